"""Password rules beyond Django's: guessability (zxcvbn) and personal information.

Listed in AUTH_PASSWORD_VALIDATORS, so sign-up, password reset, password change
and the admin's password form all apply them.
"""

import re

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# Words in a jurisdiction's legal name that say nothing about it.
GENERIC_NAME_WORDS = {
    "city", "county", "town", "township", "village", "borough", "parish", "tribe",
    "tribal", "nation", "of", "the", "and", "consolidated", "government", "metro",
    "police", "department", "sheriff", "office", "partnership",
}  # fmt: skip


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _personal_words(user) -> list[str]:
    """The email address, its name part, and the jurisdiction's distinctive name words."""
    words = []
    email = (getattr(user, "email", "") or "").lower()
    if email:
        words.append(email)
        words.append(email.split("@", 1)[0])
    jurisdiction = (
        getattr(user, "jurisdiction", None) if getattr(user, "jurisdiction_id", None) else None
    )
    if jurisdiction is not None:
        words.append(jurisdiction.name)
        words.extend(
            w
            for w in re.split(r"[^A-Za-z0-9]+", jurisdiction.name)
            if w.lower() not in GENERIC_NAME_WORDS
        )
    return [w for w in words if len(_letters(w)) >= 4]


class PersonalInformationValidator:
    """Refuse a password that contains the email address or the jurisdiction's name."""

    def validate(self, password, user=None):
        if user is None:
            return
        squeezed = _letters(password)
        for word in _personal_words(user):
            if _letters(word) in squeezed:
                raise ValidationError(
                    "The password must not contain your email address or your jurisdiction's name.",
                    code="password_personal_information",
                )

    def get_help_text(self):
        return "Your password must not contain your email address or your jurisdiction's name."


class ZxcvbnValidator:
    """Refuse a password that zxcvbn scores below `min_score` (0 to 4)."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password, user=None):
        inputs = _personal_words(user) if user is not None else []
        # zxcvbn refuses input over 72 characters (and slows down long before).
        result = zxcvbn(password[:72], user_inputs=inputs)
        if result["score"] < self.min_score:
            hint = result["feedback"].get("warning") or ""
            raise ValidationError(
                "This password is too easy to guess. Use a longer mix of unrelated words, "
                "numbers and symbols." + (f" ({hint})" if hint else ""),
                code="password_too_weak",
            )

    def get_help_text(self):
        return "Your password must be hard to guess: use several unrelated words, or more."


class MaximumLengthValidator:
    """Refuse absurdly long passwords: they cost hashing and zxcvbn time and help no one."""

    def __init__(self, max_length: int = 200):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long; use at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self):
        return f"Your password can be at most {self.max_length} characters."
