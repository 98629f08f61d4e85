"""The clinical record in the back office.

- Health forms: the answers, one readable and printable screen per form, for the people
  `Intake.objects.visible_to(user)` allows (the owner; therapists who treat the person).
  Every opening of that screen is recorded; the owner lists the reads.
- Health forms before sessions: upcoming bookings with their form's state and review
  outcome, within the bookings' own row limits; the front desk sees this, never answers.
- Consent texts: the owner publishes new versions; published ones never change.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from bookings.models import Booking, staff_scope
from bookings.times import admin_time
from clinic.http import row_id

from . import services
from .forms import ReviewForm
from .models import (
    ConsentText,
    Intake,
    IntakeAccess,
    IntakeReview,
    IntakeState,
    SessionIntake,
)
from .summary import intake_summary


def state_text(state: str, outcome: str | None) -> str:
    text = str(IntakeState(state).label)
    if outcome:
        text += f": {IntakeReview.Outcome(outcome).label}"
    return text


# --- Consent texts ----------------------------------------------------------------------------


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["version", "excerpt", "created_at", "created_by"]
    readonly_fields = ["version", "created_at", "created_by"]
    fields = ["text"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False  # a published version is what clients agreed to: publish a new one

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return ["version", "text", "created_at", "created_by"] if obj else ["text"]

    def get_changeform_initial_data(self, request):
        current = ConsentText.current()
        return {"text": current.text} if current else {}

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text[:120] + ("…" if len(obj.text) > 120 else "")


# --- Health forms: the answers ---------------------------------------------------------------


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["client", "submitted", "state", "form_version", "consent"]
    list_filter = ["flagged"]
    search_fields = ["client__name"]
    search_help_text = _("Search by the client's name.")
    list_select_related = ["client", "consent"]
    ordering = ["-submitted_at"]

    def get_queryset(self, request):
        # Defined once in Intake.objects.visible_to; drafts are the client's, not ours.
        return (
            Intake.objects.visible_to(request.user)
            .submitted()
            .defer("answers", "flags")
            .prefetch_related("reviews")
        )

    def has_view_permission(self, request, obj=None):
        if request.user.is_active and request.user.is_superuser:
            return True
        # A therapist: only once they treat someone with a form (the rows: visible_to).
        return (
            request.user.has_perm("care.view_intake")
            and Intake.objects.visible_to(request.user).exists()
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, obj):
        return admin_time(obj.submitted_at)

    @admin.display(description=_("state"))
    def state(self, obj):
        if not obj.flagged:
            return IntakeState.RECEIVED.label
        latest = next(iter(obj.reviews.all()), None)
        return (
            state_text(IntakeState.REVIEWED, latest.outcome)
            if latest
            else IntakeState.NEEDS_REVIEW.label
        )

    @method_decorator(sensitive_post_parameters())
    @method_decorator(sensitive_variables())
    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The form in one screen (flags first), printable; every opening is recorded."""
        intake = (
            Intake.objects.visible_to(request.user)
            .submitted()
            .select_related("client", "consent")
            .filter(pk=row_id(object_id))
            .first()
        )
        if intake is None or not self.has_view_permission(request):
            raise Http404(_("There is no such health form."))
        booking = _booking_param(request, intake)
        now = timezone.now()
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            services.intake_review(
                intake=intake,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
                booking=booking,
                now=now,
            )
            self.message_user(request, _("Review recorded."), messages.SUCCESS)
            return HttpResponseRedirect(request.get_full_path())
        services.intake_read(intake=intake, user=request.user, booking=booking, now=now)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Health form of %(name)s") % {"name": intake.client.name},
            "intake": intake,
            "booking": booking,
            "summary": intake_summary(intake.answers, intake.flags, today=timezone.localdate()),
            "reviews": list(intake.reviews.select_related("by")),
            "form": form,
            "accesses": (
                list(intake.accesses.select_related("user")[:20])
                if request.user.is_superuser
                else None
            ),
            "submitted": admin_time(intake.submitted_at),
        }
        return TemplateResponse(
            request,
            "admin/care/intake/detail.html",
            context,
            status=400 if form.is_bound else 200,
        )


def _booking_param(request, intake: Intake) -> Booking | None:
    """The session the form is opened for (?booking=), if it is this person's and visible."""
    value = row_id(request.GET.get("booking", ""))
    if value is None:
        return None
    return (
        Booking.objects.visible_to(request.user)
        .select_related("service", "therapist")
        .filter(pk=value, client_id=intake.client_id)
        .first()
    )


# --- Health forms before sessions: states only -----------------------------------------------


class StateFilter(admin.SimpleListFilter):
    title = _("health form")
    parameter_name = "form"

    def lookups(self, request, model_admin):
        return [*IntakeState.choices, ("not_suitable", _("Not suitable: call the client"))]

    def queryset(self, request, queryset):
        if self.value() == "not_suitable":
            return queryset.filter(review_outcome=IntakeReview.Outcome.NOT_SUITABLE)
        if self.value() in IntakeState.values:
            return queryset.filter(intake_state=self.value())
        return queryset


@admin.register(SessionIntake)
class SessionIntakeAdmin(admin.ModelAdmin):
    list_display = ["booking_link", "when", "form_state", "client", "therapist"]
    list_display_links = None
    list_filter = [StateFilter, "therapist"]
    list_select_related = ["client", "therapist", "service"]
    search_fields = ["reference", "client__name"]
    search_help_text = _("Search by reference or the client's name.")

    def get_queryset(self, request):
        upcoming = SessionIntake.objects.filter(
            status=Booking.Status.CONFIRMED, start__gte=timezone.now()
        )
        return (
            upcoming.visible_to(request.user)
            .with_intake_state()
            .annotate(
                review_rank=Case(
                    When(intake_state=IntakeState.NEEDS_REVIEW, then=Value(0)),
                    When(review_outcome=IntakeReview.Outcome.NOT_SUITABLE, then=Value(1)),
                    When(intake_state=IntakeState.MISSING, then=Value(2)),
                    default=Value(3),
                    output_field=IntegerField(),
                )
            )
        )

    def get_ordering(self, request):
        return ["review_rank", "start"]  # what needs doing first, soonest first

    def get_list_display(self, request):
        if staff_scope(request.user).everything:
            return self.list_display
        return [name for name in self.list_display if name != "therapist"]

    def get_list_filter(self, request):
        if staff_scope(request.user).everything:
            return self.list_filter
        return [StateFilter]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "title": _("Health forms before upcoming sessions"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The booking's own page shows its health form box.
        if row_id(object_id) is None:
            raise Http404
        return HttpResponseRedirect(reverse("admin:bookings_booking_change", args=[object_id]))

    @admin.display(description=_("booking"), ordering="reference")
    def booking_link(self, obj):
        url = reverse("admin:bookings_booking_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description=_("start (clinic time)"), ordering="start")
    def when(self, obj):
        return admin_time(obj.start)

    @admin.display(description=_("health form"))
    def form_state(self, obj):
        return format_html(
            '<span class="intake-state intake-{}">{}</span>',
            obj.intake_state,
            state_text(obj.intake_state, obj.review_outcome),
        )


NOTE_TEXT_FIELDS = [
    "subjective",
    "objective",
    "techniques",
    "response",
    "assessment",
    "plan",
    "home_care",
]


# --- Who read what: for the owner -------------------------------------------------------------


@admin.register(IntakeAccess)
class IntakeAccessAdmin(admin.ModelAdmin):
    list_display = ["when", "user", "what", "person", "booking"]
    list_filter = ["user"]
    date_hierarchy = "at"
    list_select_related = ["user", "intake__client", "note__client", "client", "booking"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        hidden = ["intake__answers", "intake__flags"]
        hidden += [f"note__{name}" for name in NOTE_TEXT_FIELDS]
        return super().get_queryset(request).defer(*hidden)

    @admin.display(description=_("when (clinic time)"), ordering="at")
    def when(self, obj):
        return admin_time(obj.at)

    @admin.display(description=_("what"))
    def what(self, obj):
        if obj.note_id:
            return _("Treatment note")
        return _("Health form") if obj.intake_id else _("Pain and function scores")

    @admin.display(description=_("whose record"))
    def person(self, obj):
        record = obj.note or obj.intake or obj
        return record.client.name if record.client else _("(erased)")


from . import note_admin  # noqa: E402, F401 - treatment notes, outcomes, progress
