"""Erasure requests in the back office: only the owner (a superuser) sees and decides them.

The front desk and therapists get no access, whatever permissions their groups are given:
the list, the pages and the decision answer 403. Deciding is a page of its own: it shows what
erasure will touch and asks, and only its POST erases (`bookings.privacy.privacy_erase`) or
declines.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Booking, ErasureRequest
from ..privacy import ErasureRefused, erasure_decline, people_under, privacy_erase
from .base import admin_context


def is_owner(request) -> bool:
    return request.user.is_active and request.user.is_superuser


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "address", "requested_at", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    fields = [
        "address",
        "requested_at",
        "status",
        "decision",
        "decided_by",
        "decided_at",
        "people_erased",
        "bookings_anonymised",
    ]
    readonly_fields = fields
    ordering = ["-requested_at"]

    def has_module_permission(self, request):
        return is_owner(request)

    def has_view_permission(self, request, obj=None):
        return is_owner(request)

    # Requests come from clients; decisions go through the decision page; rows stay.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("contact email"))
    def address(self, obj):
        return obj.email or _("(erased)")

    @admin.display(description=_("decision"))
    def decision(self, obj):
        if obj.status != ErasureRequest.Status.PENDING:
            return obj.get_status_display()
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:bookings_erasurerequest_decide", args=[obj.pk]),
            _("Review and decide"),
        )

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="bookings_erasurerequest_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        """GET shows who and what erasure touches and asks; POST erases or declines."""
        if not is_owner(request):
            raise PermissionDenied
        erasure = get_object_or_404(ErasureRequest, pk=pk)
        done = reverse("admin:bookings_erasurerequest_change", args=[erasure.pk])
        if request.method == "POST":
            self._decide(request, erasure, request.POST.get("decision"))
            return HttpResponseRedirect(done)
        people = list(people_under(erasure.email))
        bookings = Booking.objects.filter(client__in=people)
        context = admin_context(
            request,
            self,
            title=_("Erase personal data?"),
            erasure=erasure,
            people=people,
            booking_count=bookings.count(),
            upcoming=bookings.filter(
                start__gte=timezone.now(), status=Booking.Status.CONFIRMED
            ).count(),
            done_url=done,
        )
        return TemplateResponse(request, "admin/bookings/erasure_decide.html", context)

    def _decide(self, request, erasure: ErasureRequest, decision: str | None) -> None:
        now = timezone.now()
        try:
            if decision == "erase":
                erasure = privacy_erase(erasure=erasure, by=request.user, now=now)
                messages.success(
                    request,
                    _("Erased: %(people)d people, %(bookings)d bookings anonymised.")
                    % {"people": erasure.people_erased, "bookings": erasure.bookings_anonymised},
                )
            elif decision == "decline":
                erasure_decline(erasure=erasure, by=request.user, now=now)
                messages.success(request, _("The request is declined; nothing was erased."))
        except ErasureRefused:
            messages.error(request, _("This request was decided already."))
