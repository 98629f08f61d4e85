"""The day and week agenda: one therapist or the whole clinic, in clinic time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from ..models import Booking, Closure, Therapist, TimeOff, staff_scope
from ..schedules import therapists_with_hours
from ..times import admin_date, clinic_tz, zone_name
from .agenda_grid import HeaderCell, build_agenda
from .base import admin_context
from .forms import date_window

AGENDA_YEARS = 5  # either side of today; further out is a typing mistake


def _date_param(value: str | None, default: date) -> tuple[date, str]:
    """The date asked for and "", or `default` and why the date asked for cannot be shown.

    Only dates within AGENDA_YEARS of `default` (today) are shown: near the ends of the
    calendar (year 1 or 9999) a week or a day in clinic time cannot even be computed.
    """
    if not value:
        return default, ""
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        return default, _("“%(value)s” is not a date written as YYYY-MM-DD; showing today.") % {
            "value": value[:20]
        }
    first, last = date_window(default, back=AGENDA_YEARS, ahead=AGENDA_YEARS)
    if not first <= chosen <= last:
        return default, _(
            "The agenda shows dates from %(first)s to %(last)s, not “%(value)s”; showing today."
        ) % {"first": admin_date(first), "last": admin_date(last), "value": value[:20]}
    return chosen, ""


def _team(request, slug: str) -> tuple[list[Therapist], list[Therapist], str]:
    """(shown, choices, slug): whom the agenda shows, whom it offers to choose, the slug asked.

    A therapist always sees their own agenda; another therapist's slug answers 404.
    """
    scope = staff_scope(request.user)
    team = list(
        therapists_with_hours(Therapist.objects.visible_to(request.user)).order_by("order", "name")
    )
    if not scope.everything:
        if scope.therapist is None:
            raise PermissionDenied
        if slug and slug != scope.therapist.slug:
            raise Http404
        slug = scope.therapist.slug
    shown = [t for t in team if t.slug == slug] if slug else [t for t in team if t.active]
    if slug and not shown:
        raise Http404
    return shown, [t for t in team if t.active or t.slug == slug], slug


def _add_url(model_admin, request):
    """Links from free rows to "book for a caller", for those who may book."""
    if not model_admin.has_add_permission(request):
        return None
    book_url = reverse("admin:bookings_booking_add")

    def add_url(therapist: Therapist, local: datetime) -> str:
        params = {
            "therapist": therapist.slug,
            "date": local.date().isoformat(),
            "time": local.strftime("%H:%M"),
        }
        return book_url + "?" + urlencode(params)

    return add_url


def _grid(request, model_admin, shown: list[Therapist], days: list[date], *, now):
    """Lanes and rows for `shown` on `days`: bookings, time off and closures, a query each."""
    tz = clinic_tz()
    window_start = datetime.combine(days[0], time.min, tzinfo=tz)
    window_end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    ids = [t.pk for t in shown]
    bookings = (
        Booking.objects.active()
        .overlapping(window_start, window_end, cleanup=False)
        .filter(therapist__in=ids)
        .select_related("client", "service")
        .order_by("start")
    )
    return build_agenda(
        shown,
        days,
        bookings=bookings,
        time_off=TimeOff.objects.overlapping(window_start, window_end).filter(therapist__in=ids),
        closures=Closure.objects.overlapping(window_start, window_end),
        tz=tz,
        now=now,
        session_url=lambda b: reverse("admin:bookings_booking_change", args=[b.pk]),
        add_url=_add_url(model_admin, request),
    )


def agenda(request, model_admin):
    """Day or week agenda for one therapist or the whole clinic, in clinic time.

    ?date=YYYY-MM-DD&view=day|week&therapist=<slug>. Constant queries: therapists, their
    hours, bookings, time off and closures, one query each.
    """
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    scope = staff_scope(request.user)
    now = timezone.now()
    today = now.astimezone(clinic_tz()).date()
    chosen, problem = _date_param(request.GET.get("date"), today)
    view = request.GET.get("view", "day")
    if view not in {"day", "week"}:
        view = "day"
    shown, choices, slug = _team(request, request.GET.get("therapist", ""))
    if view == "week":
        first = chosen - timedelta(days=chosen.weekday())
        days, step = [first + timedelta(days=offset) for offset in range(7)], timedelta(days=7)
    else:
        days, step = [chosen], timedelta(days=1)
    lanes, rows = _grid(request, model_admin, shown, days, now=now)

    def link(**changes) -> str:
        params = {"date": chosen.isoformat(), "view": view, "therapist": slug, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v})

    title = _title(view, days)
    who = shown[0].name if slug and shown else _("Whole clinic")
    context = admin_context(
        request,
        model_admin,
        title=_("Agenda"),
        subtitle=f"{title} · {who}",
        heading=title,
        who=who,
        view=view,
        chosen=chosen,
        today=today,
        therapist_slug=slug,
        therapists=choices,
        can_choose_therapist=scope.everything,
        lanes=lanes,
        rows=rows,
        header_rows=_headers(lanes, shown, days, view=view, today=today, link=link, scope=scope),
        session_count=sum(len(lane.sessions) for lane in lanes),
        zone=zone_name(),
        problem=problem,
        window=date_window(today, back=AGENDA_YEARS, ahead=AGENDA_YEARS),
        previous_url=link(date=(chosen - step).isoformat()),
        next_url=link(date=(chosen + step).isoformat()),
        today_url=link(date=today.isoformat()),
        day_url=link(view="day"),
        week_url=link(view="week"),
        clinic_url=link(therapist="") if scope.everything else "",
        can_add=model_admin.has_add_permission(request),
    )
    return TemplateResponse(
        request, "admin/bookings/agenda.html", context, status=400 if problem else 200
    )


def _title(view: str, days: list[date]) -> str:
    if view == "week":
        return _("Week of %(first)s – %(last)s") % {
            "first": dateformat.format(days[0], "M j"),
            "last": dateformat.format(days[-1], "M j, Y"),
        }
    return dateformat.format(days[0], "l, F j, Y")


def _headers(lanes, shown, days, *, view, today, link, scope) -> list[list[HeaderCell]]:
    def therapist_cell(therapist, *, short=False, first_of_day=False):
        return HeaderCell(
            label=therapist.first_name if short else therapist.name,
            url=link(therapist=therapist.slug, view="week") if scope.everything else "",
            first_of_day=first_of_day,
        )

    def day_cell(day, colspan=1):
        return HeaderCell(
            label=dateformat.format(day, "D"),
            sub=dateformat.format(day, "M j"),
            url=link(date=day.isoformat(), view="day"),
            colspan=colspan,
            today=day == today,
            first_of_day=True,
        )

    if view == "day":
        return [[therapist_cell(t) for t in shown]]
    if len(shown) == 1:
        return [[day_cell(day) for day in days]]
    return [
        [day_cell(day, colspan=len(shown)) for day in days],
        [
            therapist_cell(lane.therapist, short=True, first_of_day=lane.first_of_day)
            for lane in lanes
        ],
    ]
