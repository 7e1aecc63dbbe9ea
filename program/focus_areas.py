"""PSP's eight TTA focus areas (2021 onward), with the short descriptions shown to users."""

from django.db import models


class FocusArea(models.TextChoices):
    COMMUNITY_ENGAGEMENT = "community_engagement", "Community engagement"
    CONSTITUTIONAL_POLICING = "constitutional_policing", "Constitutional policing"
    CRIME_ANALYSIS = "crime_analysis", "Crime analysis"
    CRIMINAL_JUSTICE_COLLABORATION = (
        "criminal_justice_collaboration",
        "Criminal justice collaboration",
    )
    FEDERAL_PARTNERSHIPS = "federal_partnerships", "Federal partnerships"
    GUN_VIOLENCE = "gun_violence", "Gun violence"
    INVESTIGATIONS = "investigations", "Investigations"
    TECHNOLOGY = "technology", "Technology"


FOCUS_AREA_DESCRIPTIONS = {
    FocusArea.COMMUNITY_ENGAGEMENT: "Building trust and working with residents, community groups and service providers on violence reduction.",
    FocusArea.CONSTITUTIONAL_POLICING: "Policies, training and accountability that keep enforcement lawful, fair and effective.",
    FocusArea.CRIME_ANALYSIS: "Using data to find where, when and by whom violence happens, and to measure what works.",
    FocusArea.CRIMINAL_JUSTICE_COLLABORATION: "Coordinating police, prosecutors, courts, corrections and supervision around the same priorities.",
    FocusArea.FEDERAL_PARTNERSHIPS: "Working with the U.S. Attorney's Office, ATF, DEA, FBI and USMS on shared cases and strategies.",
    FocusArea.GUN_VIOLENCE: "Reducing shootings: crime-gun intelligence, NIBIN, and focused strategies for repeat offenders.",
    FocusArea.INVESTIGATIONS: "Raising clearance rates for homicides and non-fatal shootings through case management and forensics.",
    FocusArea.TECHNOLOGY: "Choosing and using technology (records systems, real-time crime centers, analytics) well.",
}
