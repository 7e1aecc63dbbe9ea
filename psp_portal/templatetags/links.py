"""`{% url_head 'app:detail' as head %}` ... `{{ head }}{{ object.pk }}/` (psp_portal.links)."""

from django import template

from psp_portal import links

register = template.Library()
register.simple_tag(links.url_head, name="url_head")
