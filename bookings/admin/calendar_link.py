"""A therapist's private calendar address: shown on their page, renewed when it leaks."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import services
from ..models import Therapist
from .base import admin_context


def feed_url(therapist: Therapist) -> str:
    return settings.SITE_URL + reverse("bookings:therapist_feed", args=[therapist.calendar_token])


def calendar_link(request, object_id, model_admin):
    """Confirm (GET) and make (POST) a new private calendar address for a therapist."""
    therapist = model_admin.get_object(request, object_id)
    if not model_admin.has_change_permission(request, therapist):
        raise PermissionDenied
    change_url = reverse("admin:bookings_therapist_change", args=[therapist.pk])
    if request.method == "POST":
        services.therapist_new_calendar_token(therapist=therapist)
        model_admin.log_change(request, therapist, _("New calendar feed address"))
        messages.success(
            request,
            _(
                "%(name)s has a new calendar address; the old one no longer works. "
                "Subscribe again with the new one."
            )
            % {"name": therapist.name},
        )
        return HttpResponseRedirect(change_url)
    context = admin_context(
        request,
        model_admin,
        title=_("New calendar address for %(name)s") % {"name": therapist.name},
        therapist=therapist,
        change_url=change_url,
        original=therapist,
    )
    return TemplateResponse(request, "admin/bookings/therapist_calendar_link.html", context)
