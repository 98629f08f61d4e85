"""What the clinic offers: services grouped by treatment, and the team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from ..models import BookingPolicy, Review, Service, Therapist
from ..schedules import find_slots, in_clinic_time, therapists_with_hours
from ..structured_data import service_json_ld, therapist_json_ld
from ..times import clinic_tz

NEXT_FREE_DAYS = 14


class ServiceListView(ListView):
    template_name = "bookings/service_list.html"
    context_object_name = "services"

    def get_queryset(self):
        return Service.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = grouped(context["services"])
        return context


class ServiceDetailView(DetailView):
    template_name = "bookings/service_detail.html"
    context_object_name = "service"

    def get_queryset(self):
        return Service.objects.active()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        service = self.object
        context["other_lengths"] = (
            Service.objects.active().filter(kind=service.kind).exclude(pk=service.pk)
        )
        context["therapists"] = Therapist.objects.offering(service).select_related("headshot")
        context["jsonld"] = service_json_ld(service)
        return context


class TherapistListView(ListView):
    template_name = "bookings/therapist_list.html"
    context_object_name = "therapists"

    def get_queryset(self):
        return (
            Therapist.objects.active()
            .with_ratings()
            .select_related("headshot")
            .prefetch_related("services")
        )


class TherapistDetailView(DetailView):
    """A therapist's page: face, bio, credentials, what they offer and when they are next free,
    and their published reviews."""

    template_name = "bookings/therapist_detail.html"
    context_object_name = "therapist"

    def get_queryset(self):
        return Therapist.objects.active().select_related("headshot")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        therapist = self.object
        services = list(therapist.services.active())
        reviews = Review.objects.published().filter(therapist=therapist)
        context.update(
            services=services,
            offers=next_free_times(
                therapist, services, now=timezone.now(), policy=BookingPolicy.load()
            ),
            reviews=reviews[:10],
            review_summary=reviews.summary(),
            jsonld=therapist_json_ld(therapist, services=services),
        )
        return context


@dataclass
class Offer:
    """A service a therapist offers, with their next free time and the links to book it."""

    service: Service
    next_start: datetime | None
    book_url: str
    next_url: str


def next_free_times(therapist, services, *, now: datetime, policy: BookingPolicy) -> list[Offer]:
    """For each service, the therapist's first free time in the next two weeks."""
    tz = clinic_tz()
    today = now.astimezone(tz).date()
    last = min(
        today + timedelta(days=NEXT_FREE_DAYS - 1), (now + policy.horizon).astimezone(tz).date()
    )
    offering = list(therapists_with_hours(Therapist.objects.filter(pk=therapist.pk)))
    offers = []
    for service in services:
        slots = find_slots(
            service, therapist, today, last, now=now, policy=policy, offering=offering
        )
        first = in_clinic_time(slots[:1])[0].start if slots else None
        book_url = reverse("bookings:book_service", args=[service.slug])
        query = {"therapist": therapist.slug}
        next_url = ""
        if first is not None:
            confirm = reverse("bookings:confirm", args=[service.slug])
            next_url = confirm + "?" + urlencode({**query, "start": first.isoformat()})
        offers.append(Offer(service, first, book_url + "?" + urlencode(query), next_url))
    return offers


def grouped(services_list) -> list[tuple[str, list[Service]]]:
    """Services grouped by treatment, in the order the clinic set."""
    ordered = sorted(
        services_list, key=lambda s: (s.kind != Service.Kind.SCIATICA, s.kind, s.order, s.duration)
    )
    return [
        (Service.Kind(kind).label, list(items))
        for kind, items in groupby(ordered, key=lambda s: s.kind)
    ]


@require_GET
def book(request):
    """Step 1: choose a service, grouped by treatment."""
    return render(request, "bookings/book.html", {"groups": grouped(Service.objects.active())})
