"""2. Contacts: five people (one per role), each with name, title, email and phone."""

from ..forms import ContactsForm
from ..models import Application, Contact
from .base import Section, label_of, own_keys, save_row

ATTRS = ("name", "title", "email", "phone")


def missing(app: Application) -> list[str]:
    by_role = {c.role: c for c in app.contacts.all()}
    gaps = []
    for role, label in Contact.Role.choices:
        contact = by_role.get(role)
        blank = [attr for attr in ATTRS if contact is None or not getattr(contact, attr)]
        if blank:
            gaps.append(f"{label}: {', '.join(blank)}")
    return gaps


def forms(app: Application, data=None) -> list:
    return [ContactsForm(data, initial=ContactsForm.initial_from(app.contacts.all()))]


def cleaned(forms: list) -> dict:
    return forms[0].by_role()


def save(locked: Application, data: dict, actor) -> list[str]:
    """`data` maps a role to its values; a row is written only when something changed."""
    for role in own_keys(data, Contact.Role.values, "contacts"):
        values = data[role]
        attrs = own_keys(values, ATTRS, "contacts")
        contact = Contact.objects.filter(application=locked, role=role).first() or Contact(
            application=locked, role=role
        )
        if contact.pk is None or any(getattr(contact, a) != values[a] for a in attrs):
            for attr in attrs:
                setattr(contact, attr, values[attr])
            save_row(contact, actor)
    return []


def snapshot(app: Application) -> list[dict]:
    # A list in filing order (a dict's keys would be sorted by the canonical JSON).
    contacts = {c.role: c for c in app.contacts.all()}
    return [
        {
            "role": role,
            "role_label": label_of(Contact.Role.choices, role),
            **{attr: getattr(contacts[role], attr) if role in contacts else "" for attr in ATTRS},
        }
        for role in Contact.Role.values
    ]


SECTION = Section(
    key="contacts",
    title="Contacts",
    missing=missing,
    snapshot_key="contacts",
    snapshot=snapshot,
    summary_template="applications/sections/contacts_summary.html",
    prefetch_related=("contacts",),
    forms=forms,
    cleaned=cleaned,
    save=save,
    template="applications/sections/contacts.html",
)
