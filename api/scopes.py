"""Read scopes a personal API token can hold, one per resource.

Cycles and national rates are public and need no scope. `sites:contacts` adds team
members' phone numbers to the sites scope: a spreadsheet of figures does not need
personal numbers, so a token carries them only when its owner asks for them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    SITES = "sites", _("Sites (profile, phase, cohort, team roles)")
    SITES_CONTACTS = "sites:contacts", _("Team members' phone numbers on sites")
    ENGAGEMENTS = "engagements", _("Engagements and follow-up actions")
    SOIS = "sois", _("Statements of Interest (status, screening, scores you may see)")
    REPORTS = "reports", _("Reports (metadata and download link)")
    OUTCOMES = "outcomes", _("Site outcome figures (annual violent-crime figures and rates)")
