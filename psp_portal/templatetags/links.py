"""`{% url_head 'app:detail' as head %}` ... `{{ head }}{{ object.pk }}/`, and
`{% url_around 'app:edit' as edit %}` ... `{{ edit.0 }}{{ object.pk }}{{ edit.1 }}`
(psp_portal.links)."""

from django import template

from psp_portal import links

register = template.Library()
register.simple_tag(links.url_head, name="url_head")
register.simple_tag(links.url_around, name="url_around")
