"""Treatment notes in the back office.

- A session's note: one page per booking (from the booking's page and the agenda). The
  session's therapist writes it with the template of its treatment, saves drafts (a plain
  form POST, no JavaScript) and signs; once signed it is read-only, with dated addenda by
  its signer. Readers are `TreatmentNote.objects.visible_to(user)`; every opening is logged.
- Unsigned notes: completed sessions with no signed note 48 hours on, for their therapist
  and the owner.
- Outcomes (owner): per service, clients with four or more sessions and the median change
  in pain and function from their first to their fourth session; unsigned notes per
  therapist. A table and an SVG chart.
- A client's progress: the chart and table of one person, for whoever may read their notes.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from bookings.models import Booking, Client, staff_scope
from bookings.times import admin_time
from clinic.http import never_cache, row_id

from . import notes, progress
from .models import Outcome, TreatmentNote, UnsignedSession, may_read
from .note_forms import AddendumForm, NoteForm, note_initial
from .note_templates import TECHNIQUES


def _clinical_staff(user) -> bool:
    """The owner and therapists; the front desk never opens notes."""
    if not (user.is_active and user.is_staff):
        return False
    # staff_scope is cached on the user for the request: the admin's menu asks many times.
    return user.is_superuser or staff_scope(user).therapist is not None


def note_state(note: TreatmentNote | None) -> str:
    if note is None:
        return str(_("Not started"))
    if note.locked:
        return str(
            _("Signed by %(name)s, %(when)s")
            % {"name": note.signed_name, "when": admin_time(note.signed_at)}
        )
    return str(_("Draft"))


@admin.register(TreatmentNote)
class TreatmentNoteAdmin(admin.ModelAdmin):
    list_display = ["session", "when", "client", "state"]
    list_display_links = None
    list_select_related = ["booking", "client"]
    search_fields = ["booking__reference", "client__name"]
    search_help_text = _("Search by reference or the client's name.")

    def get_queryset(self, request):
        return (
            TreatmentNote.objects.visible_to(request.user)
            .only("booking", "client", "signed_at", "signed_name", "booking__start")
            .select_related("booking", "client")
        )

    def has_view_permission(self, request, obj=None):
        return _clinical_staff(request.user)

    def has_module_permission(self, request):
        return _clinical_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("session"), ordering="booking__reference")
    def session(self, obj):
        url = reverse("admin:care_treatmentnote_session", args=[obj.booking_id])
        return format_html('<a href="{}">{}</a>', url, obj.booking.reference)

    @admin.display(description=_("start (clinic time)"), ordering="booking__start")
    def when(self, obj):
        return admin_time(obj.booking.start)

    @admin.display(description=_("state"))
    def state(self, obj):
        return note_state(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "session/<int:booking_id>/",
                view(self.session_view),
                name="care_treatmentnote_session",
            ),
            path("outcomes/", view(self.outcomes_view), name="care_treatmentnote_outcomes"),
            path(
                "progress/<int:client_id>/",
                view(self.progress_view),
                name="care_treatmentnote_progress",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        note = self.get_queryset(request).filter(pk=row_id(object_id)).first()
        if note is None:
            raise Http404
        return HttpResponseRedirect(
            reverse("admin:care_treatmentnote_session", args=[note.booking_id])
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "is_owner": request.user.is_superuser}
        return super().changelist_view(request, extra_context)

    @method_decorator(never_cache)
    @method_decorator(sensitive_post_parameters())
    @method_decorator(sensitive_variables())
    def session_view(self, request, booking_id):
        return note_page(request, self, booking_id)

    def outcomes_view(self, request):
        if not request.user.is_superuser:
            raise Http404
        results = progress.outcomes_by_service()
        unsigned = (
            notes.unsigned_sessions(now=timezone.now())
            .values("therapist__name")
            .annotate(count=Count("pk"))
            .order_by("therapist__name")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Outcomes"),
            "results": results,
            "bars": progress.outcome_bars(results),
            "unsigned": list(unsigned),
        }
        return TemplateResponse(request, "admin/care/treatmentnote/outcomes.html", context)

    @method_decorator(never_cache)
    def progress_view(self, request, client_id):
        """One person's progress, for whoever may read their notes (the read is logged)."""
        client = get_object_or_404(Client, pk=client_id)
        if not (_clinical_staff(request.user) and may_read(request.user, client.pk)):
            raise Http404
        rows = progress.progress_rows(client)
        notes.scores_read(client_id=client.pk, user=request.user, now=timezone.now())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Progress of %(name)s") % {"name": client.name},
            "chart": progress.chart(rows),
            "person": client,
        }
        return TemplateResponse(request, "admin/care/treatmentnote/progress.html", context)


def _measures(booking: Booking) -> tuple:
    found = {o.measure: o for o in Outcome.objects.filter(booking=booking)}
    pain = found.get(Outcome.Measure.PAIN_AFTER)
    function = found.get(Outcome.Measure.FUNCTION)
    return (
        pain.value.get("score") if pain else None,
        list(function.value.get("activities", [])) if function else [],
        found.get(Outcome.Measure.PAIN_BEFORE),
    )


@sensitive_variables()
def note_page(request, model_admin, booking_id):
    """GET shows the note (logged when there is one); POST saves a draft, signs, or adds an
    addendum. A signed note's text is never taken from a POST."""
    booking = (
        Booking.objects.select_related("client", "service", "therapist")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or not (
        _clinical_staff(request.user) and may_read(request.user, booking.client_id)
    ):
        raise Http404(_("There is no such session."))
    note = TreatmentNote.objects.filter(booking=booking).prefetch_related("articles").first()
    if request.method == "POST":
        return _note_post(request, model_admin, booking, note)
    return _note_render(request, model_admin, booking, note)


def _note_form(booking, note, data=None, *, signing=False):
    pain_after, activities, _before = _measures(booking)
    function = notes.asks_function(booking) or bool(activities)
    names = notes.last_activities(booking) if not activities else []
    return NoteForm(
        data,
        booking=booking,
        function=function,
        activities=names,
        signing=signing,
        initial=note_initial(note, pain_after, activities),
    )


@sensitive_variables()
def _note_post(request, model_admin, booking, note):
    now = timezone.now()
    action = request.POST.get("action", "save")
    if action == "addendum":
        return _addendum_post(request, model_admin, booking, note, now)
    if note is not None and note.locked:
        # A tampered or stale form: the signed text stays as it is.
        messages.error(request, _("This note is signed and cannot be changed; add an addendum."))
        return HttpResponseRedirect(request.path)
    if not notes.may_write(request.user, booking, now=now):
        why = notes.why_no_note(booking, now=now)
        if not why:
            raise Http404
        messages.error(request, why)
        return HttpResponseRedirect(request.path)
    form = _note_form(booking, note, request.POST, signing=action == "sign")
    if not form.is_valid():
        return _note_render(request, model_admin, booking, note, form=form, status=400)
    write = notes.note_sign if action == "sign" else notes.note_save_draft
    try:
        write(booking=booking, data=form.to_input(), by=request.user, now=now)
    except PermissionDenied:  # the session was cancelled or marked no-show meanwhile
        messages.error(request, notes.why_no_note(booking, now=now) or _("Nothing was saved."))
        return HttpResponseRedirect(request.path)
    except notes.NoteLocked:
        messages.error(request, _("This note is signed and cannot be changed; add an addendum."))
        return HttpResponseRedirect(request.path)
    done = _("Note signed.") if action == "sign" else _("Draft saved.")
    model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(request.path)


def _addendum_post(request, model_admin, booking, note, now):
    form = AddendumForm(request.POST)
    if note is None or not note.locked or note.signed_by_id != request.user.pk:
        raise Http404
    if not form.is_valid():
        return _note_render(request, model_admin, booking, note, addendum=form, status=400)
    notes.note_add_addendum(note=note, text=form.cleaned_data["text"], by=request.user, now=now)
    model_admin.message_user(request, _("Addendum added."), messages.SUCCESS)
    return HttpResponseRedirect(request.path)


@sensitive_variables()
def _note_render(request, model_admin, booking, note, *, form=None, addendum=None, status=200):
    now = timezone.now()
    if note is not None and status == 200:
        notes.note_read(note=note, user=request.user, now=now)
    elif status == 200:  # no note yet: the page still shows the session's scores
        notes.scores_read(
            client_id=booking.client_id, booking_id=booking.pk, user=request.user, now=now
        )
    writable = notes.may_write(request.user, booking, now=now) and not (note and note.locked)
    pain_after, activities, before = _measures(booking)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Treatment note: %(name)s, %(ref)s")
        % {"name": booking.client.name, "ref": booking.reference},
        "booking": booking,
        "note": note,
        "state": note_state(note),
        "form": (form or _note_form(booking, note)) if writable else None,
        "addendum": addendum or AddendumForm(),
        "can_add": bool(note and note.locked and note.signed_by_id == request.user.pk),
        "addenda": list(note.addenda.all()) if note else [],
        "pain_after": pain_after,
        "activities": activities,
        "techniques": [dict(TECHNIQUES).get(c, c) for c in note.techniques] if note else [],
        "pain_before": before.score if before else None,
        "when": admin_time(booking.start),
        "why_no_note": notes.why_no_note(booking, now=now),
        "progress_url": reverse("admin:care_treatmentnote_progress", args=[booking.client_id]),
    }
    return TemplateResponse(request, "admin/care/treatmentnote/note.html", context, status=status)


@admin.register(UnsignedSession)
class UnsignedSessionAdmin(admin.ModelAdmin):
    """Completed sessions without a signed note 48 hours after they ended."""

    list_display = ["reference", "when", "client", "therapist"]
    list_display_links = None
    list_select_related = ["client", "therapist"]

    def get_queryset(self, request):
        unsigned = notes.unsigned_sessions(now=timezone.now()).values("pk")
        return UnsignedSession.objects.visible_to(request.user).filter(pk__in=unsigned)

    def get_ordering(self, request):
        return ["start"]

    def has_view_permission(self, request, obj=None):
        return _clinical_staff(request.user)

    def has_module_permission(self, request):
        return _clinical_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("session"), ordering="reference")
    def reference(self, obj):
        url = reverse("admin:care_treatmentnote_session", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description=_("start (clinic time)"), ordering="start")
    def when(self, obj):
        return admin_time(obj.start)
