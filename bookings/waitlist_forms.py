"""Joining the waitlist, or changing an entry (the public pages in bookings/views/waitlist.py)."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .forms import ANY, BookingForm
from .models import Service, Therapist
from .models.waitlist import WEEKDAY_SHORT, PartOfDay


class WaitlistForm(forms.Form):
    """Joining the waitlist, or changing an entry: what suits, and (joining) who is waiting."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.active(),
        to_field_name="slug",
        empty_label=None,
        error_messages={"invalid_choice": _("Please choose a service from the list.")},
    )
    therapist = forms.ChoiceField(
        label=_("Therapist"),
        error_messages={"invalid_choice": _("Please choose a therapist from the list.")},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days that suit you"),
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please tick at least one day.")},
    )
    parts = forms.MultipleChoiceField(
        label=_("Times of day that suit you"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Please tick at least one time of day.")},
    )
    from_date = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please give the first day that suits you."),
            "invalid": _("Please write the date as YYYY-MM-DD."),
        },
    )
    until_date = forms.DateField(
        label=_("Until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave it empty to wait as long as it takes."),
        error_messages={"invalid": _("Please write the date as YYYY-MM-DD.")},
    )
    name = BookingForm.base_fields["name"]
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address, so we can send you offers."),
            "invalid": _("Please enter a valid email address, such as name@example.com."),
        },
        help_text=_("We email you offers here, and a link to change or leave the waitlist."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = BookingForm.base_fields["phone"]
    website = BookingForm.base_fields["website"]

    def __init__(self, *args, today: date, horizon_days: int, joining: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.horizon_days = today, horizon_days
        therapists = Therapist.objects.active().order_by("order", "name")
        self.fields["therapist"].choices = [(ANY, _("Any therapist"))] + [
            (t.slug, t.name) for t in therapists
        ]
        self.fields["weekdays"].choices = WEEKDAY_SHORT
        self.fields["parts"].choices = PartOfDay.choices
        if not joining:
            for name in ("name", "email", "phone", "website"):
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_name(self):
        return BookingForm.clean_name(self)

    def clean_website(self):
        return BookingForm.clean_website(self)

    def clean_therapist(self) -> Therapist | None:
        slug = self.cleaned_data["therapist"]
        return None if slug == ANY else Therapist.objects.active().get(slug=slug)

    def clean_from_date(self):
        chosen = self.cleaned_data["from_date"]
        if chosen < self.today:
            raise ValidationError(_("Please choose today or a later day."), code="past")
        if (chosen - self.today).days > self.horizon_days:
            raise ValidationError(
                _("We take bookings up to %(days)d days ahead: please choose an earlier day."),
                code="too_far",
                params={"days": self.horizon_days},
            )
        return chosen

    def clean(self):
        data = super().clean()
        first, last = data.get("from_date"), data.get("until_date")
        if first and last and last < first:
            self.add_error(
                "until_date",
                ValidationError(_("The last day must be on or after the first."), code="order"),
            )
        therapist, service = data.get("therapist"), data.get("service")
        if therapist and service and not therapist.services.filter(pk=service.pk).exists():
            self.add_error(
                "therapist",
                ValidationError(
                    _("%(therapist)s does not offer %(service)s. Please choose another therapist."),
                    code="not_offered",
                    params={"therapist": therapist.name, "service": service.name},
                ),
            )
        return data
