"""The public booking flow's forms: which slot (from the query string), who is booking."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_lazy as _

from clinic.forms import error_links

from .clinic_setup import ClinicSetup
from .models import BookingPolicy, Service, Therapist
from .times import clinic_tz

ANY = "any"  # the therapist choice "anyone who offers the service"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates further than this from today are refused before any arithmetic can overflow.
YEARS_EITHER_SIDE = 5

PHONE_CHARACTERS = re.compile(r"[0-9+().\- ]+")
# What new_form_key() writes: 24 random bytes, URL-safe.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{32}")


def new_form_key() -> str:
    """A booking form's own key: the same form sent twice books once (services.booking_create)."""
    return secrets.token_urlsafe(24)


def validate_phone(value: str) -> None:
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.fullmatch(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("Please enter a phone number we can call, such as (406) 555-0123."),
            code="invalid_phone",
        )


def attendee(data: dict) -> dict:
    """Who attends, as typed in a booking form: the keyword arguments the services take."""
    return {key: data[key] for key in ("name", "email", "phone", "notes")}


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
    # This form's own key: sent twice (a double tap, a resubmission), it books once.
    form_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
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

    def error_links(self) -> list[tuple[str, str]]:
        """The error summary's lines; the honeypot's, hidden from people, links nowhere."""
        return [("" if anchor == "id_website" else anchor, m) for anchor, m in error_links(self)]

    def clean_form_key(self):
        """Only a key of the kind this form is given is looked up; any other value (say, one
        made up to match someone else's booking) is ignored, and the form books as one
        without a key."""
        key = self.cleaned_data["form_key"]
        return key if FORM_KEY.fullmatch(key) else ""

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


class SlotForm(forms.Form):
    """A slot asked for in a query string: a therapist (slug or "any") and a day or a start.

    `use` names the parameters a page reads; others are ignored. The time picker reads
    `therapist` and `date`, the confirm and reschedule steps `therapist` and `start` (with
    `require_start`), and `AvailabilityForm`, the JSON API, `service`, `therapist`, `start` (a
    date there) and `days`. Every error names its parameter and carries a code. `service` is
    the service the page is about (the API reads it from the query instead).
    """

    use = ("therapist", "date")

    service = forms.CharField(required=False)
    therapist = forms.CharField(required=False)
    date = forms.CharField(required=False)
    start = forms.CharField(required=False)
    days = forms.CharField(required=False)

    def __init__(
        self,
        data,
        *,
        now: datetime,
        policy: BookingPolicy,
        service: Service | None = None,
        use: tuple[str, ...] | None = None,
        require_start: bool = False,
        setup: ClinicSetup | None = None,
    ):
        super().__init__(data)
        kept = {"service", *(use or self.use)}
        for name in [name for name in self.fields if name not in kept]:
            del self.fields[name]
        self.now, self.policy, self.page_service = now, policy, service
        self.require_start = require_start
        self.setup = setup  # services and therapists from memory (clinic_setup), when given
        self.today = now.astimezone(clinic_tz()).date()

    def first_error(self) -> tuple[str, str] | None:
        """(parameter, message) of the first invalid parameter, in the order of the fields."""
        for name in self.fields:
            if name in self.errors:
                return name, self.errors[name][0]
        return None

    def messages(self) -> list[str]:
        return [message for name in self.fields for message in self.errors.get(name, [])]

    def _near_today(self, year: int, parameter: str) -> None:
        if abs(year - self.now.year) > YEARS_EITHER_SIDE:
            raise ValidationError(
                _("'%(parameter)s' is too far from today."),
                code="too_far",
                params={"parameter": parameter},
            )

    def _parse_date(self, value: str, parameter: str) -> date | None:
        if not value:
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError(value)
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                _("'%(parameter)s' must be a date written as YYYY-MM-DD."),
                code="invalid_date",
                params={"parameter": parameter},
            ) from None
        self._near_today(parsed.year, parameter)
        return parsed

    def clean_service(self) -> Service | None:
        return self.page_service

    def clean_therapist(self) -> Therapist | None:
        """The therapist chosen by slug; None for "any" (or when the service is unknown)."""
        slug, service = self.cleaned_data["therapist"], self.cleaned_data.get("service")
        if not slug or slug == ANY or service is None:
            return None
        therapist, offered = self._therapist(slug[:80], service)
        if therapist is None:
            raise ValidationError(
                _("We don't know that therapist. Please choose from the list."), code="unknown"
            )
        if not offered:
            raise ValidationError(
                _("%(therapist)s does not offer %(service)s. Please choose another therapist."),
                code="not_offered",
                params={"therapist": therapist.name, "service": service.name},
            )
        return therapist

    def _therapist(self, slug: str, service: Service) -> tuple[Therapist | None, bool]:
        """The active therapist called `slug`, and whether they offer `service`."""
        if self.setup is not None:
            therapist = self.setup.therapist(slug)
            return therapist, therapist is not None and therapist in self.setup.offering(service)
        therapist = Therapist.objects.active().filter(slug=slug).first()
        return therapist, therapist is not None and therapist.services.filter(
            pk=service.pk
        ).exists()

    def clean_date(self) -> date | None:
        """The picker's day: within today and the booking horizon."""
        chosen = self._parse_date(self.cleaned_data["date"], "date")
        last_day = (self.now + self.policy.horizon).astimezone(clinic_tz()).date()
        if chosen is not None and not self.today <= chosen <= last_day:
            raise ValidationError(
                _(
                    "Please choose a day between today and %(last)s: we take online bookings "
                    "up to %(days)d days ahead."
                ),
                code="out_of_range",
                params={"last": format_date(last_day, "F j, Y"), "days": self.policy.horizon_days},
            )
        return chosen

    def clean_start(self) -> datetime | None:
        """The chosen start, in ISO 8601; clinic time when it names no offset."""
        value = self.cleaned_data["start"].strip()
        if not value:
            if self.require_start:
                raise ValidationError(_("Please choose a time first."), code="required")
            return None
        # A "+" in an unencoded query string arrives as a space.
        value = value.replace(" ", "+")
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                _("'start' must be a date and time in ISO 8601, e.g. 2026-12-01T10:00-07:00."),
                code="invalid_start",
            ) from None
        self._near_today(start.year, "start")
        return start if start.tzinfo else start.replace(tzinfo=clinic_tz())


class AvailabilityForm(SlotForm):
    """The availability API's query: ?service=<slug>&therapist=<slug|any>&start=<date>&days=N."""

    use = ("service", "therapist", "start", "days")

    def clean_service(self) -> Service:
        slug = self.cleaned_data["service"]
        if not slug:
            raise ValidationError(
                _("'service' is required: the slug of a service."), code="required"
            )
        if self.setup is not None:
            service = self.setup.service(slug[:80])
        else:
            service = Service.objects.active().filter(slug=slug[:80]).first()
        if service is None:
            raise ValidationError(
                _("No bookable service is called '%(slug)s'."),
                code="unknown",
                params={"slug": slug[:80]},
            )
        return service

    def clean_start(self) -> date:
        """The first day: today when not given (never before it: see `clean`)."""
        return self._parse_date(self.cleaned_data["start"], "start") or self.today

    def clean_days(self) -> int:
        raw = self.cleaned_data["days"] or "7"
        if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= self.policy.horizon_days:
            raise ValidationError(
                _("'days' must be a whole number from 1 to %(days)d."),
                code="invalid_days",
                params={"days": self.policy.horizon_days},
            )
        return int(raw)

    def clean(self):
        data = super().clean()
        if not self.errors and data["start"] < self.today:
            self.add_error(
                "start", ValidationError(_("'start' must be today or later."), code="past")
            )
        return data


class SignInRequestForm(forms.Form):
    """My bookings: the address to email a sign-in link to."""

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter the email address you booked with."),
            "invalid": _("Please enter a valid email address, such as name@example.com."),
        },
        help_text=_("The one you gave when booking. We email you a link to sign in."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class PlanForm(forms.Form):
    """A care plan on the confirm step: the same session every 1, 2 or 3 weeks, 2-12 times."""

    plan_every = forms.TypedChoiceField(
        label=_("Every"),
        coerce=int,
        choices=[(1, _("week")), (2, _("2 weeks")), (3, _("3 weeks"))],
        initial=1,
    )
    plan_count = forms.TypedChoiceField(
        label=_("Sessions in all"),
        coerce=int,
        choices=[(n, str(n)) for n in range(2, 13)],
        initial=6,
        help_text=_("You will see every date, and choose another time for any that is taken."),
    )
