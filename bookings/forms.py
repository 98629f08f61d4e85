import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"[0-9+().\- ]+")


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("Please enter a phone number we can call, such as (406) 555-0123."),
            code="invalid_phone",
        )


class BookingForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Please tell us your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address, so we can send your confirmation."),
            "invalid": _("Please enter a valid email address, such as name@example.com."),
        },
        help_text=_("We send your confirmation and a link to change your booking here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        error_messages={"required": _("Please enter a phone number we can call.")},
        validators=[validate_phone],
        help_text=_("In case we need to reach you about your session."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    notes = forms.CharField(
        label=_("Notes for your therapist (optional)"),
        required=False,
        max_length=1000,
        help_text=_("Where it hurts, how long it has bothered you, anything they should know."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    accept_policy = forms.BooleanField(
        label=_("I accept the cancellation policy"),
        error_messages={
            "required": _("Please tick the box to accept the cancellation policy."),
        },
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, cancellation_hours: int = 24, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_policy"].help_text = _(
            "You can cancel or move your session online up to %(hours)d hours before it starts. "
            "After that, please call us."
        ) % {"hours": cancellation_hours}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please tell us your name."), code="required")
        return name

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError(_("Please leave this field empty."), code="honeypot")
        return ""


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=300,
        help_text=_("It helps us, but you don't have to tell us."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
