"""Forms check the shape of input; completeness and state rules live in services/sections.

Section forms accept only the fields the applicant may set. Status, jurisdiction,
reference number and version are never form fields (version travels in a hidden input
read explicitly by the view).
"""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.validators import RegexValidator

from accounts.models import Jurisdiction
from program.districts import JUDICIAL_DISTRICTS
from program.focus_areas import FOCUS_AREA_DESCRIPTIONS, FocusArea
from psp_portal.text_limits import bounded_text

from .crime import OFFENSE_FIELDS, check_figures
from .models import Contact, CrimeFigures, Cycle, IceAnswer, Letter, NationalCrimeRate
from .uploads import EMPTY_MESSAGE, validate_pdf_upload

WORD_LIMIT = 500
# Characters as well as words: one 2 MB "word" must not pass the word count.
NARRATIVE_MAX_CHARS = WORD_LIMIT * 20

ori_validator = RegexValidator(
    r"^[A-Z]{2}[A-Z0-9]{7}$",
    "An ORI is 9 characters: the 2-letter state code then 7 letters or digits (e.g. OH0570100).",
    code="ori",
)
uei_validator = RegexValidator(
    r"^[A-Z0-9]{12}$", "A UEI is 12 letters or digits (from SAM.gov).", code="uei"
)
phone_validator = RegexValidator(
    r"^\+?[0-9 ().-]{10,20}(\s*(x|ext\.?)\s*[0-9]{1,6})?$",
    "Enter a phone number with area code, e.g. 202-555-0147 (an extension may follow: x123).",
    code="phone",
)


def count_words(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


class UpperCharField(forms.CharField):
    """ORI and UEI are case-insensitive: upper-case before the validators run."""

    def to_python(self, value):
        return super().to_python(value).upper()


class HelperMixin:
    """Crispy helper without its own <form> tag: pages hold the tag, csrf and version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class JurisdictionStartForm(HelperMixin, forms.Form):
    """Asked only of the first applicant of a jurisdiction."""

    name = forms.CharField(
        label="Legal name of the jurisdiction",
        max_length=200,
        help_text="As it appears on official documents, e.g. City of Toledo.",
    )
    kind = forms.ChoiceField(label="Type", choices=Jurisdiction.Kind.choices)
    state = forms.ChoiceField(
        label="State or territory", choices=Jurisdiction._meta.get_field("state").choices
    )


class ProfileForm(HelperMixin, forms.Form):
    population = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50_000_000,
        help_text="Residents served, from the census or a state estimate.",
    )
    population_year = forms.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The year the population figure describes.",
    )
    lead_agency_name = forms.CharField(
        label="Lead law-enforcement agency",
        required=False,
        max_length=200,
        help_text="The police department or sheriff's office.",
    )
    lead_agency_ori = UpperCharField(
        label="Lead agency ORI",
        required=False,
        max_length=9,
        validators=[ori_validator],
        help_text="The agency's 9-character FBI Originating Agency Identifier, e.g. OH0570100.",
    )
    judicial_district = forms.ChoiceField(
        label="Federal judicial district",
        required=False,
        choices=[("", "- Select -"), *JUDICIAL_DISTRICTS],
        help_text="The U.S. Attorney's Office district the jurisdiction lies in.",
    )
    uei = UpperCharField(
        label="UEI (optional)",
        required=False,
        max_length=12,
        validators=[uei_validator],
        help_text="Unique Entity ID from SAM.gov, 12 characters, if the jurisdiction has one.",
    )


class ContactsForm(HelperMixin, forms.Form):
    """Five people, four fields each; blanks allowed in a draft, formats checked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role, label in Contact.Role.choices:
            self.fields[f"{role}__name"] = forms.CharField(
                label=f"{label}: name", required=False, max_length=150
            )
            self.fields[f"{role}__title"] = forms.CharField(
                label=f"{label}: title", required=False, max_length=150
            )
            self.fields[f"{role}__email"] = forms.EmailField(
                label=f"{label}: email", required=False
            )
            self.fields[f"{role}__phone"] = forms.CharField(
                label=f"{label}: phone", required=False, max_length=30, validators=[phone_validator]
            )

    @staticmethod
    def initial_from(contacts) -> dict:
        initial = {}
        for contact in contacts:
            for attr in ("name", "title", "email", "phone"):
                initial[f"{contact.role}__{attr}"] = getattr(contact, attr)
        return initial

    def by_role(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            role: {
                attr: data.get(f"{role}__{attr}", "")
                for attr in ("name", "title", "email", "phone")
            }
            for role in Contact.Role.values
        }


class CrimeYearForm(HelperMixin, forms.Form):
    """One year's four counts, population and source.

    A draft saves whatever valid values were typed, so no field is required here; the
    section's completeness check (applications.sections.crime.missing) names what a year
    still lacks, and submission refuses until it is all there."""

    murder = forms.IntegerField(
        label="Murder and nonnegligent manslaughter",
        min_value=0,
        error_messages={"min_value": "A count cannot be negative."},
    )
    rape = forms.IntegerField(
        label="Rape", min_value=0, error_messages={"min_value": "A count cannot be negative."}
    )
    robbery = forms.IntegerField(
        label="Robbery", min_value=0, error_messages={"min_value": "A count cannot be negative."}
    )
    aggravated_assault = forms.IntegerField(
        label="Aggravated assault",
        min_value=0,
        error_messages={"min_value": "A count cannot be negative."},
    )
    population = forms.IntegerField(
        label="Population",
        min_value=1,
        error_messages={"min_value": "The population must be greater than zero."},
    )
    data_source = forms.ChoiceField(
        label="Data source", choices=CrimeFigures.Source.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, prefix=f"y{year}", **kwargs)
        for name, field in self.fields.items():
            field.label = f"{year}: {field.label}"
            field.required = False
            if name in (*OFFENSE_FIELDS, "population"):
                # Lets applications-rates.js find the inputs of one year to preview its rate.
                field.widget.attrs.update(
                    {"data-rate-year": str(year), "data-rate-part": name, "inputmode": "numeric"}
                )

    @property
    def is_blank(self) -> bool:
        """Nothing typed for this year (the draft keeps no row for it)."""
        return all(self.cleaned_data.get(name) in (None, "") for name in self.fields)

    def clean(self):
        data = super().clean()
        counts = {name: data.get(name) for name in OFFENSE_FIELDS}
        # The offenses-versus-population check needs the whole year; a partial year is
        # checked value by value above and waits for the rest.
        if all(v is not None for v in counts.values()) and data.get("population"):
            for field, message in check_figures(counts, data["population"]).items():
                self.add_error(field, f"{self.year}: {message}")
        return data


@bounded_text(default=NARRATIVE_MAX_CHARS)
class NarrativeForm(HelperMixin, forms.Form):
    narrative_problem = forms.CharField(
        label="The violent crime problem and its trend",
        required=False,
        widget=forms.Textarea,
        help_text=f"Up to {WORD_LIMIT} words. Where, when, who, and how it has changed.",
    )
    narrative_strategies = forms.CharField(
        label="Current strategies (Project Safe Neighborhoods included)",
        required=False,
        widget=forms.Textarea,
        help_text=f"Up to {WORD_LIMIT} words.",
    )
    narrative_partnerships = forms.CharField(
        label="Partnerships (local, state, federal, U.S. Attorney's Office)",
        required=False,
        widget=forms.Textarea,
        help_text=f"Up to {WORD_LIMIT} words.",
    )
    narrative_leadership = forms.CharField(
        label="Leadership commitment and readiness for intensive TTA",
        required=False,
        widget=forms.Textarea,
        help_text=f"Up to {WORD_LIMIT} words.",
    )
    narrative_tta = forms.CharField(
        label="Training and technical assistance wanted",
        required=False,
        widget=forms.Textarea,
        help_text=f"Up to {WORD_LIMIT} words. Say what help, for whom, and what it should change.",
    )
    tta_focus_areas = forms.MultipleChoiceField(
        label="TTA focus areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (area.value, f"{area.label}: {FOCUS_AREA_DESCRIPTIONS[area]}") for area in FocusArea
        ],
        help_text="Choose every area where the jurisdiction wants help.",
    )

    TEXT_FIELDS = (
        "narrative_problem",
        "narrative_strategies",
        "narrative_partnerships",
        "narrative_leadership",
        "narrative_tta",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.TEXT_FIELDS:
            self.fields[name].widget.attrs.update({"rows": 8, "data-word-limit": str(WORD_LIMIT)})

    def clean(self):
        data = super().clean()
        for name in self.TEXT_FIELDS:
            words = count_words(data.get(name, ""))
            if words > WORD_LIMIT:
                self.add_error(
                    name,
                    forms.ValidationError(
                        f"This answer has {words} words; the limit is {WORD_LIMIT}. "
                        f"Shorten it by {words - WORD_LIMIT} words.",
                        code="word_limit",
                    ),
                )
        return data


class LetterUploadForm(HelperMixin, forms.Form):
    kind = forms.ChoiceField(label="Letter from", choices=Letter.Kind.choices)
    file = forms.FileField(
        label="Signed letter (PDF)",
        help_text="PDF only, up to 10 MB.",
        error_messages={"empty": EMPTY_MESSAGE, "required": "Choose the letter's PDF file."},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_pdf_upload(upload)
        return upload


@bounded_text
class CertificationForm(HelperMixin, forms.Form):
    """Who signs: the chief legal officer, who then signs on their own page."""

    clo_name = forms.CharField(
        label="Chief legal officer's full name",
        required=False,
        max_length=150,
        help_text="As the officer will type it when signing.",
    )
    clo_title = forms.CharField(
        label="Title",
        required=False,
        max_length=150,
        help_text="For example City Attorney or County Counsel.",
    )
    clo_email = forms.EmailField(
        label="Email",
        required=False,
        help_text="The officer's own work address. The signing link is sent there.",
        error_messages={"invalid": "Enter an email address like name@city.gov."},
    )

    def __init__(self, *args, application=None, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_from(cert) -> dict:
        if cert is None:
            return {}
        return {"clo_name": cert.clo_name, "clo_title": cert.clo_title, "clo_email": cert.clo_email}

    def clean_clo_email(self):
        email = (self.cleaned_data.get("clo_email") or "").strip()
        if (
            email
            and self.application is not None
            and self.application.jurisdiction.members.filter(email__iexact=email).exists()
        ):
            raise forms.ValidationError(
                "This is the address of an applicant account of your jurisdiction. The chief "
                "legal officer signs personally: enter the officer's own email address.",
                code="applicant_email",
            )
        return email


class IceAnswersForm(HelperMixin, forms.Form):
    """The three questions, texts from the cycle's question set, shown word for word."""

    def __init__(self, *args, question_set, **kwargs):
        super().__init__(*args, **kwargs)
        self.question_set = question_set
        for number, text in question_set.questions:
            self.fields[f"q{number}_answer"] = forms.ChoiceField(
                label=f"Question {number}. {text}",
                required=False,
                widget=forms.RadioSelect,
                choices=IceAnswer.Answer.choices,
            )
            self.fields[f"q{number}_explanation"] = forms.CharField(
                label=f"Question {number}: explanation or citation",
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="Required for No or Not applicable. For Yes you may cite the statute or policy.",
            )

    @staticmethod
    def initial_from(answers) -> dict:
        initial = {}
        for answer in answers:
            initial[f"q{answer.question_number}_answer"] = answer.answer
            initial[f"q{answer.question_number}_explanation"] = answer.explanation
        return initial

    def clean(self):
        data = super().clean()
        for number, _text in self.question_set.questions:
            answer = data.get(f"q{number}_answer")
            if (
                answer in (IceAnswer.Answer.NO, IceAnswer.Answer.NOT_APPLICABLE)
                and not (data.get(f"q{number}_explanation") or "").strip()
            ):
                self.add_error(
                    f"q{number}_explanation",
                    f'Question {number}: explain the answer "{IceAnswer.Answer(answer).label}".',
                )
        return data

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            number: (
                self.cleaned_data.get(f"q{number}_answer") or "",
                (self.cleaned_data.get(f"q{number}_explanation") or "").strip(),
            )
            for number, _ in self.question_set.questions
        }


class SubmitForm(HelperMixin, forms.Form):
    attestation = forms.BooleanField(
        label="I attest that the information in this Statement of Interest is accurate and "
        "complete to the best of my knowledge, and that I am authorized to submit it "
        "for the jurisdiction.",
        error_messages={"required": "Check the attestation to submit."},
    )


class WithdrawForm(HelperMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for withdrawing",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Give a reason for withdrawing."},
    )


class InvitationForm(HelperMixin, forms.Form):
    email = forms.EmailField(
        label="Colleague's email address",
        help_text="They must sign in with this address to accept.",
    )


class CycleForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = Cycle
        fields = [
            "name",
            "year",
            "opens_at",
            "closes_at",
            "population_min",
            "population_max",
            "national_rate",
            "certification_text",
            "question_set",
            "max_sites",
        ]
        help_texts = {
            "opens_at": "Eastern Time, e.g. 2026-02-25 09:00.",
            "closes_at": "Eastern Time, e.g. 2026-04-18 23:59. Submissions are refused after it.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Once the cycle exists the number of sites is a rule of selection: it changes
            # on the selection slate, where the reason is asked for and kept.
            self.fields["max_sites"].disabled = True
            self.fields[
                "max_sites"
            ].help_text = "Change it on the cycle's selection slate, with a reason."

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The deadline must be after the opening time.")
        low, high = data.get("population_min"), data.get("population_max")
        if low is not None and high is not None and high < low:
            self.add_error("population_max", "The maximum must be at least the minimum.")
        return data


@bounded_text
class NationalRateForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = NationalCrimeRate
        fields = ["year", "rate", "source_edition", "source"]


@bounded_text
class SignCertificationForm(HelperMixin, forms.Form):
    """The chief legal officer's own signature (applications.views.signing)."""

    CERTIFY, CANNOT = "certify", "cannot"

    decision = forms.ChoiceField(
        label="Certification",
        widget=forms.RadioSelect,
        choices=[
            (CERTIFY, "I certify, as stated above"),
            (CANNOT, "The jurisdiction cannot make this certification"),
        ],
        error_messages={"required": "Choose whether the jurisdiction certifies."},
    )
    cannot_certify_explanation = forms.CharField(
        label="Why the jurisdiction cannot certify",
        required=False,
        widget=forms.Textarea,
        help_text="Required if the jurisdiction cannot certify.",
    )
    confirm = forms.BooleanField(
        label="I am the chief legal officer named above and I make this statement under "
        "penalty of perjury.",
        error_messages={"required": "Check this box to sign."},
    )
    typed_name = forms.CharField(
        label="Your full name",
        max_length=150,
        help_text="Type your full name exactly as it is on your account.",
        error_messages={"required": "Type your full name to sign."},
    )

    def __init__(self, *args, account_name: str = "", **kwargs):
        self.account_name = account_name
        super().__init__(*args, **kwargs)

    @property
    def certifies(self) -> bool | None:
        return {self.CERTIFY: True, self.CANNOT: False}.get(self.cleaned_data.get("decision"))

    def clean_typed_name(self):
        typed = " ".join((self.cleaned_data.get("typed_name") or "").split())
        if typed.casefold() != " ".join(self.account_name.split()).casefold():
            raise forms.ValidationError(
                f"Type your full name exactly as it is on your account: {self.account_name}.",
                code="name_mismatch",
            )
        return typed

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") == self.CANNOT
            and not (data.get("cannot_certify_explanation") or "").strip()
        ):
            self.add_error(
                "cannot_certify_explanation", "Explain why the jurisdiction cannot certify."
            )
        return data


class AccountNameForm(HelperMixin, forms.Form):
    full_name = forms.CharField(
        label="Your full name",
        max_length=150,
        help_text="Saved on your account; you sign by typing it.",
    )


@bounded_text
class DeclineSigningForm(HelperMixin, forms.Form):
    reason = forms.CharField(
        label="Why you decline to sign",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: I am not the jurisdiction's chief legal officer.",
        error_messages={"required": "Tell the applicant why you decline to sign."},
    )
