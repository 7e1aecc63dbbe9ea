"""The crispy-forms "uswds" template pack: labels, hints, errors, summary, kept values."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.forms import formset_factory
from django.template import Context, Template
from django.test import RequestFactory

from tests.html_helpers import Page

COLOURS = [("red", "Red"), ("green", "Green"), ("blue", "Blue")]


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on your badge.")
    colour = forms.ChoiceField(
        label="Favourite colour", choices=COLOURS, widget=forms.RadioSelect, help_text="Pick one."
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    county = forms.ChoiceField(label="County", choices=[("", "- Select -"), ("a", "Adams")])
    letter = forms.FileField(label="Letter of commitment", help_text="A PDF file.")
    agree = forms.BooleanField(label="I agree", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") == "Nobody":
            raise forms.ValidationError("Nobody may not apply.", code="nobody")
        return cleaned


def render(form, template="{% load crispy_forms_tags %}{% crispy form %}", **extra) -> Page:
    request = RequestFactory().get("/")
    html = Template(template).render(Context({"form": form, "request": request, **extra}))
    return Page(html)


def invalid_form() -> ExampleForm:
    form = ExampleForm(
        data={"name": "Nobody", "colour": "purple", "notes": "kept text", "county": "a"},
        files={},
    )
    assert not form.is_valid()
    return form


def test_unbound_form_renders_labels_hints_and_required_marks():
    page = render(ExampleForm())
    label = page.find("label", "usa-label", for_="id_name")
    assert "Full name" in label.text
    # Required fields carry the USWDS asterisk, and a note explains it once at the top.
    assert page.find_all("abbr", "usa-hint--required", title="required")
    assert "Required fields are marked with an asterisk" in page.html
    assert page.by_id("id_name_helptext").text == "As on your badge."
    name = page.by_id("id_name")
    assert "usa-input" in name.classes
    assert name.get("aria-describedby") == "id_name_helptext"
    assert "aria-invalid" not in name.attrs
    assert "usa-textarea" in page.by_id("id_notes").classes
    assert "usa-select" in page.by_id("id_county").classes
    assert "usa-file-input" in page.by_id("id_letter").classes
    assert "usa-checkbox__input" in page.by_id("id_agree").classes
    # No error summary on a fresh form.
    assert not page.find_all(cls="usa-error-summary")
    submit = page.find("input", type="submit")
    assert "usa-button" in submit.classes and "btn" not in submit.classes


def test_choice_lists_are_fieldsets_with_legend_and_usa_inputs():
    page = render(ExampleForm())
    fieldset = page.by_id("id_colour")
    assert fieldset.tag == "fieldset" and "usa-fieldset" in fieldset.classes
    assert fieldset.get("aria-describedby") == "id_colour_helptext"
    legend = page.find("legend", "usa-legend")
    assert "Favourite colour" in legend.text
    radios = page.find_all("input", "usa-radio__input", name="colour")
    assert [r.get("value") for r in radios] == ["red", "green", "blue"]
    for radio in radios:
        assert page.find("label", "usa-radio__label", for_=radio.get("id"))
    boxes = page.find_all("input", "usa-checkbox__input", name="days")
    assert [b.get("id") for b in boxes] == ["id_days_0", "id_days_1"]


def test_errors_are_described_marked_invalid_and_summarised():
    page = render(invalid_form())
    summary = page.find("div", "usa-error-summary")
    assert "usa-alert--error" in summary.classes
    assert "data-error-summary" in summary.attrs
    assert summary.get("tabindex") == "-1"
    heading = page.by_id(summary.get("aria-labelledby"))
    assert heading.text == "There is a problem"

    links = {a.get("href"): a.text for a in page.find_all("a") if a.get("href", "").startswith("#")}
    # Every field in error is listed, with its label, and links to an element on the page.
    assert set(links) == {"#id_colour", "#id_days", "#id_letter"}
    assert links["#id_colour"].startswith("Favourite colour: Select a valid choice.")
    assert links["#id_letter"] == "Letter of commitment: This field is required."
    for href in links:
        assert page.by_id(href[1:]) is not None
    # The non-field error is in the summary too (no link: it belongs to no field).
    assert "Nobody may not apply." in summary.text

    letter = page.by_id("id_letter")
    assert letter.get("aria-invalid") == "true"
    assert letter.get("aria-describedby") == "id_letter_helptext id_letter_error"
    error = page.by_id("id_letter_error")
    assert "usa-error-message" in error.classes and error.text == "This field is required."
    group = page.by_id("div_id_letter")
    assert "usa-form-group--error" in group.classes

    colour = page.by_id("id_colour")
    assert colour.get("aria-describedby") == "id_colour_helptext id_colour_error"
    assert all(r.get("aria-invalid") == "true" for r in page.find_all("input", name="colour"))

    # A valid field is not marked.
    name = page.by_id("id_name")
    assert "aria-invalid" not in name.attrs and "usa-input--error" not in name.classes


def test_every_aria_describedby_points_to_an_existing_id():
    page = render(invalid_form())
    described = [e for e in page.elements if e.get("aria-describedby")]
    assert len(described) >= 4
    for element in described:
        for ref in element.get("aria-describedby").split():
            assert page.by_id(ref) is not None, ref


def test_typed_values_are_kept_on_redisplay():
    page = render(invalid_form())
    assert page.by_id("id_name").get("value") == "Nobody"
    # Django starts a textarea's content with a newline, which HTML ignores.
    assert page.by_id("id_notes").text.lstrip("\n") == "kept text"
    county = page.find_all("option", value="a")[0]
    assert "selected" in county.attrs
    form = ExampleForm(data={"days": ["tue"], "colour": "green"}, files={})
    form.is_valid()
    page = render(form)
    assert "checked" in page.by_id("id_days_1").attrs
    assert "checked" not in page.by_id("id_days_0").attrs
    assert "checked" in page.by_id("id_colour_1").attrs


def test_stored_file_name_is_shown_and_not_required_again():
    class StoredFile(FieldFile):
        def __init__(self, name):
            self.name = name

    form = ExampleForm(initial={"letter": StoredFile("letters/mayor-letter.pdf")})
    page = render(form)
    current = page.by_id("id_letter_current")
    assert "mayor-letter.pdf" in current.text
    letter = page.by_id("id_letter")
    assert "id_letter_current" in letter.get("aria-describedby").split()
    # The browser must not demand a new file when one is already stored.
    assert "required" not in letter.attrs


def test_optional_stored_file_can_be_removed():
    class Optional(forms.Form):
        letter = forms.FileField(label="Letter", required=False)

    class StoredFile(FieldFile):
        def __init__(self, name):
            self.name = name

    page = render(
        Optional(initial={"letter": StoredFile("a/b.pdf")}),
        "{% load crispy_forms_filters %}{{ form|crispy }}",
    )
    clear = page.input_named("letter-clear")
    assert clear.get("type") == "checkbox"
    assert page.find("label", for_=clear.get("id"))


def test_multipart_form_tag_and_layout_fieldset():
    form = ExampleForm()
    form.helper.layout = Layout(Fieldset("About you", "name", "colour"))
    page = render(form)
    form_tag = page.find("form")
    assert form_tag.get("enctype") == "multipart/form-data"
    assert form_tag.get("method") == "post"
    legend = page.find_all("legend", "usa-legend--large")
    assert legend and legend[0].text.strip() == "About you"


def test_crispy_filter_renders_summary_without_form_tag():
    page = render(invalid_form(), "{% load crispy_forms_filters %}{{ form|crispy }}")
    assert not page.find_all("form")
    assert page.find("div", "usa-error-summary")


class ItemForm(forms.Form):
    title = forms.CharField(label="Title")
    hours = forms.IntegerField(label="Hours", required=False)


ItemFormSet = formset_factory(ItemForm, extra=0, min_num=1, validate_min=True)


def formset_data(**fields):
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "1"}
    data.update(fields)
    return data


def test_formset_renders_management_form_and_per_form_errors():
    formset = ItemFormSet(data=formset_data(**{"form-0-title": "Kept", "form-1-hours": "x"}))
    assert not formset.is_valid()
    helper = FormHelper()
    page = render(formset, "{% load crispy_forms_tags %}{% crispy form helper %}", helper=helper)
    assert page.input_named("form-TOTAL_FORMS").get("value") == "2"
    assert page.input_named("form-INITIAL_FORMS").get("type") == "hidden"
    assert page.by_id("id_form-0-title").get("value") == "Kept"
    summary = page.find("div", "usa-error-summary")
    assert "Item 2: Title: This field is required." in summary.text
    assert "Item 2: Hours: Enter a whole number." in summary.text
    assert page.find("a", href="#id_form-1-title")
    assert page.by_id("id_form-1-hours").get("aria-invalid") == "true"
    assert page.by_id("id_form-1-hours_error").text == "Enter a whole number."


def test_table_inline_formset_labels_each_cell():
    formset = ItemFormSet(data=formset_data(**{"form-0-title": "A", "form-1-hours": "3"}))
    assert not formset.is_valid()
    helper = FormHelper()
    helper.template = "uswds/table_inline_formset.html"
    page = render(formset, "{% load crispy_forms_tags %}{% crispy form helper %}", helper=helper)
    assert page.find("table", "usa-table")
    assert page.input_named("form-TOTAL_FORMS")
    label = page.find("label", for_="id_form-1-title")
    assert "usa-sr-only" in label.classes and "item 2" in label.text
    title = page.by_id("id_form-1-title")
    assert title.get("aria-describedby") == "id_form-1-title_error"
    assert title.get("aria-invalid") == "true"
    assert page.by_id("id_form-1-hours").get("value") == "3"
    assert page.find("a", href="#id_form-1-title")


def test_valid_form_has_no_error_markup():
    form = ExampleForm(
        data={"name": "Ann", "colour": "red", "days": ["mon"], "county": "a"},
        files={"letter": SimpleUploadedFile("letter.pdf", b"%PDF-1.4")},
    )
    assert form.is_valid(), form.errors
    page = render(form)
    assert not page.find_all(cls="usa-error-summary")
    assert not page.find_all(cls="usa-error-message")
    assert not [e for e in page.elements if e.get("aria-invalid")]


def test_hand_written_form_components():
    form = invalid_form()
    page = render(
        form,
        '{% include "components/form_errors.html" %}{% include "components/field.html" with field=form.name %}',
    )
    assert page.find("div", "usa-error-summary")
    assert page.by_id("id_name").get("value") == "Nobody"
    assert "usa-input" in page.by_id("id_name").classes


def test_chosen_file_is_named_again_when_the_form_has_errors():
    # Browsers cannot refill a file input, so the page tells the person what to choose again.
    form = ExampleForm(
        data={"name": "Nobody", "colour": "red", "days": ["mon"], "county": "a"},
        files={"letter": SimpleUploadedFile("chief-letter.pdf", b"%PDF-1.4")},
    )
    assert not form.is_valid()
    page = render(form)
    again = page.by_id("id_letter_again")
    assert "chief-letter.pdf" in again.text
    assert "id_letter_again" in page.by_id("id_letter").get("aria-describedby").split()


def test_layout_objects_render_with_uswds_markup():
    from crispy_forms.bootstrap import AppendedText, FormActions, InlineRadios, StrictButton
    from crispy_forms.layout import HTML, ButtonHolder, Column, Div, Field, MultiField, Row

    form = invalid_form()
    form.helper.layout = Layout(
        Row(Column("name"), Column(Field("notes", rows=3))),
        Div(InlineRadios("colour"), css_class="extra-div"),
        MultiField("Schedule", "days"),
        AppendedText("county", "county"),
        HTML("<p class='usa-hint'>Attach the signed letter.</p>"),
        "letter",
        "agree",
        ButtonHolder(Submit("save", "Save draft")),
        FormActions(StrictButton("Cancel", type="button")),
    )
    page = render(form)
    assert page.find("div", "grid-row")
    assert page.find("div", "extra-div")
    assert page.by_id("id_notes").get("rows") == "3"
    assert page.find("div", "usa-input-suffix").text == "county"
    assert page.find_all("input", "usa-radio__input", name="colour")
    assert page.find("input", type="submit", name="save")
    assert "Attach the signed letter." in page.html
    # The summary still lists every error, and each field keeps its described-by ids.
    assert {a.get("href") for a in page.find_all("a")} >= {"#id_colour", "#id_days", "#id_letter"}
    for element in [e for e in page.elements if e.get("aria-describedby")]:
        for ref in element.get("aria-describedby").split():
            assert page.by_id(ref) is not None, ref


def test_file_input_is_named_by_its_label_not_by_the_uswds_script():
    # USWDS's file-input script puts aria-label="Drag file here..." on the input;
    # aria-labelledby wins over it, so screen readers still hear the field's label.
    page = render(ExampleForm())
    letter = page.by_id("id_letter")
    assert letter.get("aria-labelledby") == "id_letter_label"
    assert "Letter of commitment" in page.by_id("id_letter_label").text
