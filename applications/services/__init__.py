"""Every state change of a Statement of Interest, each naming the acting user.

Split by subject (HackSoft's `services/` package); import from `applications.services`.
"""

from .cycles import (
    certification_text_create,
    cycle_save,
    national_rate_save,
    question_set_create,
)
from .drafts import (
    ApplicationError,
    StaleSection,
    application_section_save,
    application_start,
    letter_add,
    letter_remove,
)
from .invitations import InvitationError, invitation_accept, invitation_create
from .signatures import (
    SigningRefused,
    signature_decline,
    signature_request_cancel,
    signature_request_open,
    signature_request_send,
    signature_sign,
)
from .submission import (
    TransitionNotAllowed,
    application_receipt_ready,
    application_submit,
    application_withdraw,
)

__all__ = [
    "ApplicationError",
    "InvitationError",
    "SigningRefused",
    "StaleSection",
    "TransitionNotAllowed",
    "application_receipt_ready",
    "application_section_save",
    "application_start",
    "application_submit",
    "application_withdraw",
    "certification_text_create",
    "cycle_save",
    "invitation_accept",
    "invitation_create",
    "letter_add",
    "letter_remove",
    "national_rate_save",
    "question_set_create",
    "signature_decline",
    "signature_request_cancel",
    "signature_request_open",
    "signature_request_send",
    "signature_sign",
]
