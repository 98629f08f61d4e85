"""What the clinic offers: services grouped by treatment, and the team."""

from __future__ import annotations

from itertools import groupby

from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from ..models import Service, Therapist


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
        context["therapists"] = Therapist.objects.offering(service)
        return context


class TherapistListView(ListView):
    template_name = "bookings/therapist_list.html"
    context_object_name = "therapists"

    def get_queryset(self):
        return Therapist.objects.active().prefetch_related("services")


class TherapistDetailView(DetailView):
    template_name = "bookings/therapist_detail.html"
    context_object_name = "therapist"

    def get_queryset(self):
        return Therapist.objects.active().prefetch_related("services")


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
