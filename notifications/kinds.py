"""Every kind of mail the portal sends, declared as data.

The preferences page, the unsubscribe link and the sending service all read this
table: a kind that is `required` is always sent and cannot be turned off; an
optional kind may be turned off, and where `digest_choice` is set the person may
also choose to get it only in their weekly digest.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"


def _anyone(user) -> bool:
    return True


def _applicant(user) -> bool:
    return user.has_perm("accounts.file_statement_of_interest")


def _reviewer(user) -> bool:
    return user.has_perm("applications.review_application")


def _liaison(user) -> bool:
    return user.has_perm("engagements.log_engagement")


def _program_admin(user) -> bool:
    return user.has_perm("notifications.view_mail_log")


def _nobody(user) -> bool:
    # Sent to an address, not to an account (an invitation to someone not yet signed up).
    return False


@dataclass(frozen=True)
class MailKind:
    key: str
    label: str
    description: str
    required: bool = False
    # Shown on the preferences page beside a required kind: why it cannot be turned off.
    required_reason: str = ""
    # The person may choose "only in my weekly digest" instead of an immediate mail.
    digest_choice: bool = False
    # The mail carries a one-use secret link (password, confirmation): its body is
    # deleted once delivered, so the sent-mail record never holds a live key.
    secret_links: bool = False
    # Whose preferences page lists it.
    shown_to: Callable = field(default=_anyone)


REQUIRED_BY_PROGRAM = "Required by the program: this mail is always sent."

KINDS: dict[str, MailKind] = {
    kind.key: kind
    for kind in [
        MailKind(
            "account_security",
            "Account and security",
            "Confirming your email address, resetting your password, new staff accounts.",
            required=True,
            required_reason="Security mail is always sent: it protects your account.",
            secret_links=True,
        ),
        MailKind(
            "invitation",
            "Invitations to file for a jurisdiction",
            "A colleague invites someone to join their jurisdiction's filing.",
            required=True,
            required_reason=REQUIRED_BY_PROGRAM,
            shown_to=_nobody,
        ),
        MailKind(
            "signature_request",
            "Requests to sign the Section 1373 certification",
            "A jurisdiction asks its chief legal officer to sign its certification.",
            required=True,
            required_reason=REQUIRED_BY_PROGRAM,
            # The link signs for the jurisdiction: never kept in the sent-mail record.
            secret_links=True,
            shown_to=_nobody,
        ),
        MailKind(
            "operations_alert",
            "Alerts to the operators",
            "A report the portal gave up retrying (sent to ADMINS).",
            required=True,
            required_reason="Operators must hear when the portal stops retrying.",
            shown_to=_nobody,
        ),
        MailKind(
            "outcome_figures",
            "Annual violent-crime figures of a site",
            "A year's figures are due, or the liaison returned them for a correction.",
            required=True,
            required_reason="The program must report each site's figures every year.",
            shown_to=_nobody,
        ),
        MailKind(
            "soi_receipt",
            "Receipts for Statements of Interest",
            "Confirmation that your jurisdiction's Statement of Interest was received.",
            required=True,
            required_reason="Receipts are the program's record of what you submitted, so they are always sent.",
            shown_to=_applicant,
        ),
        MailKind(
            "decision",
            "Decisions",
            "The program's decision on your jurisdiction's Statement of Interest.",
            required=True,
            required_reason="Decisions are official notice from the program, so they are always sent.",
            shown_to=_applicant,
        ),
        MailKind(
            "deadline_reminder",
            "Deadline reminders",
            "14, 3 and 1 days before a cycle closes, if your jurisdiction's Statement of "
            "Interest is still a draft: what is incomplete and when the cycle closes.",
            shown_to=_applicant,
        ),
        MailKind(
            "review_assigned",
            "New review assignments",
            "A Statement of Interest was assigned to you for review.",
            digest_choice=True,
            shown_to=_reviewer,
        ),
        MailKind(
            "review_due",
            "Review due-date reminders",
            "3 days before a review is due and on the day it is due.",
            digest_choice=True,
            shown_to=_reviewer,
        ),
        MailKind(
            "reviewer_digest",
            "Weekly review digest",
            "Every Monday: the reviews still open for you, with their due dates.",
            shown_to=_reviewer,
        ),
        MailKind(
            "liaison_digest",
            "Daily site digest",
            "Follow-up actions due within 7 days or overdue, engagements planned in the "
            "next 7 days and sites with no delivered engagement in 60 days. Sent only on "
            "days with something to report.",
            shown_to=_liaison,
        ),
        MailKind(
            "admin_digest",
            "Weekly program digest",
            "Every Monday: new Statements of Interest, decisions waiting to be released, "
            "failed reports and sites with no delivered engagement in 60 days.",
            shown_to=_program_admin,
        ),
        MailKind(
            "program_report",
            "Quarterly program report",
            "A link to each quarter's program report when it is ready.",
            shown_to=_program_admin,
        ),
    ]
}


class UnknownMailKind(KeyError):
    pass


def get_kind(key: str) -> MailKind:
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownMailKind(key) from None


def kinds_for(user) -> list[MailKind]:
    """The kinds listed on this person's preferences page, in declaration order."""
    return [kind for kind in KINDS.values() if kind.shown_to(user)]
