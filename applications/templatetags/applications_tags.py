"""For the applicant pages: `{% load applications_tags %}{% applicant_status application %}`."""

from django import template

from ..extensions import applicant_status as status_of

register = template.Library()


@register.inclusion_tag("applications/_applicant_status.html")
def applicant_status(application):
    """The status applicants may see and, once a decision is released, its letter link."""
    return {"application": application, "status": status_of(application)}
