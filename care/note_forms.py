"""Forms of the treatment note (back office) and of the client's 0-10 answers."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from bookings.models import Booking

from .note_templates import NEXT_VISIT_CHOICES, TECHNIQUES, template_for
from .notes import NOTE_FIELDS, NoteInput

PAIN_CHOICES = [("", _("Not asked"))] + [(str(n), str(n)) for n in range(11)]
ACTIVITIES = 3


def _text(label, help_text, rows=4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows, "class": "vLargeTextField"}),
    )


# What a note must hold before it is signed (a draft may be saved with anything).
SIGN_NEEDS = ["subjective", "objective", "techniques", "plan"]


class NoteForm(forms.Form):
    """The SOAP note with the template of the session's treatment; PSFS on function visits.

    `signing`: the note is about to be locked, so its parts in SIGN_NEEDS must be filled in.
    """

    def __init__(
        self, *args, booking: Booking, function: bool, activities=(), signing=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.signing = signing
        prompts = template_for(booking.service.kind)
        self.template_title = prompts.title
        self.fields["subjective"] = _text(_("Subjective"), prompts.subjective)
        self.fields["objective"] = _text(_("Objective"), prompts.objective)
        self.fields["techniques"] = forms.MultipleChoiceField(
            label=_("Techniques used"),
            choices=TECHNIQUES,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["response"] = _text(_("Response"), prompts.response, rows=2)
        self.fields["assessment"] = _text(_("Assessment"), prompts.assessment, rows=3)
        self.fields["plan"] = _text(_("Plan"), prompts.plan, rows=3)
        self.fields["pain_after"] = forms.TypedChoiceField(
            label=_("Pain now, after the session (0-10, as the client says it)"),
            choices=PAIN_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.function = function
        if function:
            self._activity_fields(list(activities))
        self._aftercare_fields(booking, prompts)

    def _activity_fields(self, names: list[str]) -> None:
        for n in range(1, ACTIVITIES + 1):
            self.fields[f"activity_{n}"] = forms.CharField(
                label=_("Activity %(n)d the client finds hard") % {"n": n},
                help_text=_('In the client\'s words, e.g. "sitting through a workday".'),
                required=False,
                max_length=200,
                initial=names[n - 1] if len(names) >= n else "",
            )
            self.fields[f"activity_{n}_score"] = forms.TypedChoiceField(
                label=_("How well they can do activity %(n)d (0 unable, 10 as before)") % {"n": n},
                choices=PAIN_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def _aftercare_fields(self, booking: Booking, prompts) -> None:
        related = list(booking.service.articles.values_list("pk", flat=True))
        published = Article.objects.published(timezone.now()).order_by("title")
        self.suggested = set(related)
        self.fields["home_care"] = _text(_("Home-care note for the client"), prompts.home_care, 3)
        self.fields["articles"] = forms.ModelMultipleChoiceField(
            label=_("Home-care articles to send"),
            help_text=_("Suggested: the articles related to this service are listed first."),
            queryset=published,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["articles"].choices = self._article_choices(published, related)
        self.fields["next_visit_weeks"] = forms.TypedChoiceField(
            label=_("Suggested next visit"),
            choices=NEXT_VISIT_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )

    @staticmethod
    def _article_choices(published, related):
        rows = sorted(published, key=lambda a: (a.pk not in related, a.title))
        return [
            (a.pk, f"{a.title} ({_('suggested')})" if a.pk in related else a.title) for a in rows
        ]

    def clean(self):
        data = super().clean()
        for name in SIGN_NEEDS if self.signing else []:
            value = data.get(name)
            if name in data and not (value.strip() if isinstance(value, str) else value):
                message = _("Please fill this in before signing (you can save a draft as it is).")
                self.add_error(name, forms.ValidationError(message, code="needed_to_sign"))
        for n in range(1, ACTIVITIES + 1 if self.function else 1):
            if data.get(f"activity_{n}") and data.get(f"activity_{n}_score") is None:
                self.add_error(
                    f"activity_{n}_score",
                    forms.ValidationError(_("Please rate this activity."), code="unrated"),
                )
        return data

    def to_input(self) -> NoteInput:
        data = self.cleaned_data
        activities = [
            (data[f"activity_{n}"].strip(), data[f"activity_{n}_score"])
            for n in range(1, ACTIVITIES + 1 if self.function else 1)
            if data.get(f"activity_{n}", "").strip()
        ]
        text = {name: data.get(name) for name in NOTE_TEXT}
        return NoteInput(
            text=text,
            articles=list(data.get("articles") or []),
            pain_after=data.get("pain_after"),
            activities=activities,
        )


NOTE_TEXT = list(NOTE_FIELDS)


def note_initial(note, pain_after, activities) -> dict:
    """The form's initial values from a saved note and the session's measures."""
    initial = {name: getattr(note, name) for name in NOTE_TEXT} if note else {}
    if note:
        initial["techniques"] = list(note.techniques)
        initial["articles"] = [a.pk for a in note.articles.all()]
        initial["next_visit_weeks"] = str(note.next_visit_weeks or "")
    if pain_after is not None:
        initial["pain_after"] = str(pain_after)
    for n, item in enumerate(activities, start=1):
        initial[f"activity_{n}"] = item["name"]
        initial[f"activity_{n}_score"] = str(item["score"])
    return initial


class AddendumForm(forms.Form):
    text = forms.CharField(
        label=_("Addendum"),
        help_text=_("Dated and signed with your name; the note above stays as signed."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        error_messages={"required": _("Please write the addendum.")},
    )


class ScoreForm(forms.Form):
    """One tap: the button pressed sends its number."""

    score = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        error_messages={
            "required": _("Please choose a number from 0 to 10."),
            "invalid_choice": _("Please choose a number from 0 to 10."),
        },
    )
