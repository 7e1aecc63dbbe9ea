"""For the applicant dashboard: `{% load reviews_tags %}{% applicant_decision application %}`."""

from django import template

from ..selectors import applicant_facing_status, released_decision_for

register = template.Library()


@register.inclusion_tag("reviews/_applicant_decision.html")
def applicant_decision(application):
    """The status applicants may see and, once released, the decision letter link."""
    return {
        "application": application,
        "status": applicant_facing_status(application),
        "decision": released_decision_for(application),
    }
