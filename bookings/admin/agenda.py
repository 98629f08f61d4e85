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

from ..availability import Schedule
from ..models import Booking, Closure, Room, RoomClosure, Therapist, TimeOff, staff_scope
from ..schedules import therapists_with_hours, weekly_hours
from ..times import admin_date, clinic_tz, zone_name
from .agenda_grid import HeaderCell, RoomLane, build_agenda
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


def _window(days: list[date]) -> tuple[datetime, datetime]:
    tz = clinic_tz()
    return (
        datetime.combine(days[0], time.min, tzinfo=tz),
        datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz),
    )


def _room_grid(days: list[date], *, now):
    """Lanes and rows by room: each active room's sessions and closures; rooms count as open
    while anyone on the team works."""
    window = _window(days)
    rooms = list(Room.objects.active())
    team = therapists_with_hours(Therapist.objects.active())
    weekly = weekly_hours(hours for therapist in team for hours in therapist.hours.all())
    return build_agenda(
        [RoomLane(pk=room.pk, slug=room.slug, name=room.name) for room in rooms],
        days,
        bookings=Booking.objects.active()
        .overlapping(*window, cleanup=False)
        .filter(room__in=rooms)
        .select_related("client", "service", "therapist")
        .order_by("start"),
        time_off=RoomClosure.objects.overlapping(*window).filter(room__in=rooms),
        closures=Closure.objects.overlapping(*window),
        tz=clinic_tz(),
        now=now,
        session_url=lambda b: reverse("admin:bookings_booking_change", args=[b.pk]),
        by_room=True,
        schedules={room.pk: Schedule(key=room.slug, weekly=weekly) for room in rooms},
    )


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
        .select_related("client", "service", "room")
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


def _days(chosen: date, view: str) -> tuple[list[date], timedelta]:
    """The days shown, and how far "previous" and "next" go."""
    if view == "week":
        first = chosen - timedelta(days=chosen.weekday())
        return [first + timedelta(days=offset) for offset in range(7)], timedelta(days=7)
    return [chosen], timedelta(days=1)


def agenda(request, model_admin):
    """Day or week agenda of one therapist, the whole clinic or the rooms, in clinic time.

    ?date=YYYY-MM-DD&view=day|week&therapist=<slug>&by=room. Constant queries: therapists,
    their hours, bookings, time off and closures (rooms and their closures), one query each.
    """
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    scope = staff_scope(request.user)
    now = timezone.now()
    today = now.astimezone(clinic_tz()).date()
    chosen, problem = _date_param(request.GET.get("date"), today)
    view = request.GET.get("view", "day")
    view = view if view in {"day", "week"} else "day"
    shown, choices, slug = _team(request, request.GET.get("therapist", ""))
    days, step = _days(chosen, view)
    by_room = scope.everything and request.GET.get("by") == "room"
    if by_room:
        lanes, rows = _room_grid(days, now=now)
        shown, slug = [lane.therapist for lane in lanes if lane.day == days[0]], ""
        who = _("Whole clinic, by room")
    else:
        lanes, rows = _grid(request, model_admin, shown, days, now=now)
        who = shown[0].name if slug and shown else _("Whole clinic")

    def link(**changes) -> str:
        params = {"date": chosen.isoformat(), "view": view, "therapist": slug}
        params.update({"by": "room" if by_room else "", **changes})
        return "?" + urlencode({k: v for k, v in params.items() if v})

    title, everything = _title(view, days), scope.everything
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
        can_choose_therapist=everything,
        lanes=lanes,
        rows=rows,
        header_rows=_headers(
            lanes, shown, days, view=view, today=today, link=link, links=everything and not by_room
        ),
        session_count=sum(len(lane.sessions) for lane in lanes),
        zone=zone_name(),
        problem=problem,
        window=date_window(today, back=AGENDA_YEARS, ahead=AGENDA_YEARS),
        by_room=by_room,
        can_add=model_admin.has_add_permission(request),
        **_nav_links(link, chosen=chosen, step=step, today=today, everything=everything),
    )
    return TemplateResponse(
        request, "admin/bookings/agenda.html", context, status=400 if problem else 200
    )


def _nav_links(link, *, chosen: date, step: timedelta, today: date, everything: bool) -> dict:
    """The toolbar's links; choosing whom to show is for the front desk and the owner."""
    return {
        "previous_url": link(date=(chosen - step).isoformat()),
        "next_url": link(date=(chosen + step).isoformat()),
        "today_url": link(date=today.isoformat()),
        "day_url": link(view="day"),
        "week_url": link(view="week"),
        "clinic_url": link(therapist="", by="") if everything else "",
        "room_url": link(by="room", therapist="") if everything else "",
        "team_url": link(by="") if everything else "",
    }


def _title(view: str, days: list[date]) -> str:
    if view == "week":
        return _("Week of %(first)s – %(last)s") % {
            "first": dateformat.format(days[0], "M j"),
            "last": dateformat.format(days[-1], "M j, Y"),
        }
    return dateformat.format(days[0], "l, F j, Y")


def _headers(lanes, shown, days, *, view, today, link, links) -> list[list[HeaderCell]]:
    def therapist_cell(therapist, *, short=False, first_of_day=False):
        return HeaderCell(
            label=therapist.first_name if short else therapist.name,
            url=link(therapist=therapist.slug, view="week") if links else "",
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
