"""The health form's steps, and the therapist's review. Forms validate; care.services saves.

Each step is a plain form; what a client types is kept as they typed it (`raw_data`) in
their encrypted draft, so going back, an error or a closed tab loses nothing. A submission
stores each step's cleaned answers (`answers_of`) in the same shape.
"""

from __future__ import annotations

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bookings.forms import validate_phone
from clinic.forms import error_links

from . import questions as q
from .crypto import Hidden
from .models import IntakeReview

TEXT_LIMIT = 1000
ANSWER = {"required": _("Please answer yes or no.")}
OLDEST = 120  # years: an older date of birth is a typing mistake


def _textarea(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _yes_no(flag: q.Flag):
    return forms.ChoiceField(
        label=flag.question, choices=q.YES_NO, widget=forms.RadioSelect, error_messages=ANSWER
    )


def _radios(label, choices, required=False):
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, required=required
    )


def yes_no(name: str) -> Field:
    """A yes/no question: its own fieldset and legend, its error right under the legend and
    the two answers side by side."""
    return Field(name, wrapper_class="care-yes-no", template="care/_yes_no_field.html")


class StepForm(forms.Form):
    """A step of the health form: fieldsets with legends, errors tied to their fields."""

    step = ""

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.add_fields()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = self.layout()

    def add_fields(self) -> None:
        """Steps built from the question lists add their fields here."""

    def layout(self) -> Layout:
        return Layout(*self.fields)

    def raw_data(self) -> dict:
        """What was typed, as typed (lists for checkboxes), for the draft; long text is cut."""
        raw = Hidden()
        for name in self.fields:
            value = self[name].data
            if isinstance(value, str):
                value = value[: TEXT_LIMIT * 2]
            elif isinstance(value, list):
                value = [str(item)[:100] for item in value[:20]]
            elif not isinstance(value, bool):
                value = None if value is None else str(value)[:100]
            raw[name] = value
        return raw

    def answers_of(self) -> dict:
        """The cleaned answers, JSON-ready (dates as YYYY-MM-DD)."""
        return Hidden(
            (name, value.isoformat() if isinstance(value, date) else value)
            for name, value in self.cleaned_data.items()
        )

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary at the top of the page, in field order. A
        yes/no question's "Please answer yes or no." is one of many alike: it names its
        question."""
        named = {f"{self[n].auto_id}_0": self.fields[n].label for n in self.fields if n in q.FLAGS}
        return [
            (anchor, _("%(question)s %(message)s") % {"question": named[anchor], "message": m})
            if anchor in named
            else (anchor, m)
            for anchor, m in error_links(self)
        ]


class AboutForm(StepForm):
    step = "about"

    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        # The browser shows its own date control (mm/dd/yyyy in the US): no format to copy.
        help_text=_(
            "For example, April 23, 1978. If you are under 18, a parent or guardian fills "
            "in and signs this form."
        ),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _(
                "Please enter your date of birth: month, day and year, for example April 23, 1978."
            ),
        },
    )
    emergency_name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={"required": _("Please tell us whom to call in an emergency.")},
    )
    emergency_phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        validators=[validate_phone],
        error_messages={"required": _("Please enter their phone number.")},
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    emergency_relation = forms.CharField(
        label=_("How they are related to you (optional)"), max_length=80, required=False
    )
    heard_about = _radios(_("How did you hear of us? (optional)"), q.HEARD)

    def layout(self):
        return Layout(
            "date_of_birth",
            Fieldset(
                _("Whom should we call in an emergency?"),
                "emergency_name",
                "emergency_phone",
                "emergency_relation",
            ),
            "heard_about",
        )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > self.today:
            raise ValidationError(
                _("Your date of birth can't be in the future. Please check the year."),
                code="future",
            )
        if born.year < self.today.year - OLDEST:
            raise ValidationError(_("Please check the year of your date of birth."), code="old")
        return born


class PainForm(StepForm):
    step = "pain"

    regions = forms.MultipleChoiceField(
        label=_("Where does it hurt?"),
        help_text=_("Tick every area that hurts or feels tight."),
        choices=q.REGIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pain_now = forms.IntegerField(
        label=_("How bad is the pain right now?"),
        help_text=_("A number from 0 (no pain) to 10 (the worst pain you can imagine)."),
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10}),
        error_messages={
            "required": _("Please give your pain now as a number from 0 to 10."),
            "invalid": _("Please give your pain now as a whole number from 0 to 10."),
            "min_value": _("Please choose a number from 0 (no pain) to 10 (the worst pain)."),
            "max_value": _("Please choose a number from 0 (no pain) to 10 (the worst pain)."),
        },
    )
    worse = _textarea(_("What makes it worse? (optional)"), _("Sitting, bending, mornings …"))
    better = _textarea(_("What makes it better? (optional)"), _("Walking, heat, lying down …"))
    since = _radios(_("How long have you had it? (optional)"), q.SINCE)


class HistoryForm(StepForm):
    step = "history"

    def add_fields(self):
        for flag in q.CONTRAINDICATIONS:
            self.fields[flag.code] = _yes_no(flag)
            if flag.code == "pregnant":
                self.fields["trimester"] = _radios(
                    _("If you are pregnant: which trimester?"), q.TRIMESTERS
                )
        self.fields["conditions"] = _textarea(
            _("Any other conditions we should know about? (optional)"),
            _("For example arthritis, a heart condition, migraines, an implant."),
        )
        self.fields["medications"] = _textarea(
            _("Medications you take (optional)"), _("Including pain relief and supplements.")
        )

    def layout(self):
        asked = []
        for name in self.fields:
            if name in q.FLAGS or name == "trimester":
                asked.append(yes_no(name) if name in q.FLAGS else name)
        return Layout(
            Fieldset(_("Please answer each question"), *asked),
            Fieldset(_("Anything else"), "conditions", "medications"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("pregnant") == q.YES and not cleaned.get("trimester"):
            self.add_error(
                "trimester",
                ValidationError(_("Please tell us which trimester you are in."), code="trimester"),
            )
        elif cleaned.get("pregnant") == q.NO:
            cleaned["trimester"] = ""
        return cleaned


class SignsForm(StepForm):
    step = "signs"

    def add_fields(self):
        for flag in q.RED_FLAGS:
            self.fields[flag.code] = _yes_no(flag)

    def layout(self):
        return Layout(
            HTML(
                format_html(
                    '<p class="form-intro">{}</p>',
                    _(
                        "These questions are about signs that back or leg pain needs a "
                        "doctor's attention. Most people answer no to all of them."
                    ),
                )
            ),
            Fieldset(
                _("Please answer each question"),
                *(yes_no(flag.code) for flag in q.RED_FLAGS),
            ),
        )


class PreferencesForm(StepForm):
    step = "preferences"

    pressure = _radios(_("What pressure do you like? (optional)"), q.PRESSURE)
    avoid_areas = _textarea(_("Areas you would rather we did not massage (optional)"))
    therapist_gender = _radios(_("Would you prefer a therapist who is …"), q.THERAPIST_GENDER)
    chaperone = forms.BooleanField(
        label=_("I would like a chaperone in the room (someone I bring, or one of our team)"),
        required=False,
    )
    other = _textarea(_("Anything else that would help you feel comfortable? (optional)"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("therapist_gender", "any")
        super().__init__(*args, **kwargs)


class ConsentForm(StepForm):
    step = "consent"

    consent_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    agree = forms.BooleanField(
        label=_("I have read the consent above and I agree to it"),
        error_messages={"required": _("Please tick the box to give your consent.")},
    )
    full_name = forms.CharField(
        label=_("Your full name"),
        help_text=_("Typing your name here is your signature."),
        max_length=120,
        error_messages={"required": _("Please type your full name to sign the form.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    signed_on = forms.DateField(
        label=_("Today's date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Please enter today's date."),
            "invalid": _("Please enter today's date: month, day and year."),
        },
    )

    def __init__(self, *args, consent_version: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent_version = consent_version
        self.fields["signed_on"].initial = self.today.isoformat()

    def layout(self):
        # The version is not rendered from the form: the page always carries the version of
        # the text it shows (templates/care/step.html), even after an error.
        return Layout(Fieldset(_("Your consent"), "agree", "full_name", "signed_on"))

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(
                _("Please type your full name to sign the form."), code="required"
            )
        return name

    def clean_signed_on(self):
        signed = self.cleaned_data["signed_on"]
        # A day either side: a client in another time zone may already be on another date.
        if abs(signed - self.today) > timedelta(days=1):
            raise ValidationError(_("Please enter today's date."), code="not_today")
        return signed

    def clean_consent_version(self):
        version = self.cleaned_data.get("consent_version")
        if self.consent_version is None:
            raise ValidationError(
                _("Our consent text is not ready. Please call us to finish your form."),
                code="no_consent",
            )
        if version != self.consent_version:
            raise ValidationError(
                _(
                    "We have updated our consent text since you opened this page. Please read it "
                    "again and tick the box."
                ),
                code="consent_changed",
            )
        return version

    def error_links(self):
        links = super().error_links()
        # The hidden version has no field to jump to: its message points at the tick box.
        return [("id_agree", m) if a == "id_consent_version" else (a, m) for a, m in links]


STEP_FORMS: dict[str, type[StepForm]] = {
    form.step: form
    for form in [AboutForm, PainForm, HistoryForm, SignsForm, PreferencesForm, ConsentForm]
}


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your decision"),
        choices=IntakeReview.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose cleared, cleared with modifications or not suitable.")
        },
    )
    note = forms.CharField(
        label=_("Note for the session"),
        required=False,
        max_length=TEXT_LIMIT,
        help_text=_(
            "Required for “cleared with modifications”: what to change at the session "
            "(shown to the therapist with this form). Never emailed; the front desk does not "
            "see it."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == IntakeReview.Outcome.MODIFIED
            and not cleaned.get("note", "").strip()
        ):
            self.add_error(
                "note",
                ValidationError(
                    _("Please write the modifications the therapist will see at the session."),
                    code="note_required",
                ),
            )
        return cleaned
