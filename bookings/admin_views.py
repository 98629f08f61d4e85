"""The staff side in the admin: who sees what, the agenda, CSV export, booking for a caller, moves.

Row-level limits are defined once here (`staff_scope` and the `scoped_*` filters) and used by
every ModelAdmin queryset, custom admin view and export: the owner (superuser) and the front
desk see every therapist's rows; a therapist sees only their own profile, schedule, bookings
and the clients they have had bookings with.
"""

from __future__ import annotations

import copy
import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import availability, services
from .admin_forms import CallerBookingForm, ExportForm, MoveBookingForm, date_window
from .models import (
    Booking,
    BookingPolicy,
    Closure,
    Therapist,
    TimeOff,
)
from .schedules import clinic_tz, load_schedules, therapists_with_hours
from .templatetags.clinic_time import zone_name
from .views import nearest_slots

THERAPIST_GROUP = "Therapist"
FRONT_DESK_GROUP = "Front desk"


# --- Who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffScope:
    """The rows a staff user may see: everything, or one therapist's (None: nothing)."""

    everything: bool
    therapist: Therapist | None = None

    def allows(self, therapist_id: int | None) -> bool:
        return self.everything or (self.therapist is not None and therapist_id == self.therapist.pk)


def staff_scope(user) -> StaffScope:
    """The owner and the front desk see everything; anyone else only their own therapist rows.

    Cached on the user object, which lives for one request: one query for the groups and one
    for the therapist profile, however often a page asks.
    """
    cached = getattr(user, "_clinic_scope", None)
    if cached is not None:
        return cached
    if not user.is_active or not user.is_staff:
        scope = StaffScope(everything=False)
    elif user.is_superuser or user.groups.filter(name=FRONT_DESK_GROUP).exists():
        scope = StaffScope(everything=True)
    else:
        scope = StaffScope(everything=False, therapist=Therapist.objects.filter(user=user).first())
    user._clinic_scope = scope
    return scope


def scoped_bookings(queryset, user):
    scope = staff_scope(user)
    if scope.everything:
        return queryset
    if scope.therapist is None:
        return queryset.none()
    return queryset.filter(therapist=scope.therapist)


def scoped_therapists(queryset, user):
    scope = staff_scope(user)
    if scope.everything:
        return queryset
    if scope.therapist is None:
        return queryset.none()
    return queryset.filter(pk=scope.therapist.pk)


def scoped_clients(queryset, user):
    """A therapist sees the clients they have had a booking with (any status), nobody else."""
    scope = staff_scope(user)
    if scope.everything:
        return queryset
    if scope.therapist is None:
        return queryset.none()
    return queryset.filter(
        pk__in=Booking.objects.filter(therapist=scope.therapist).values("client_id")
    )


def admin_context(request, model_admin, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "app_label": model_admin.opts.app_label,
        **extra,
    }


def staff_policy(policy: BookingPolicy) -> BookingPolicy:
    """The policy as it applies to staff: no online notice, a year ahead (see services._check)."""
    relaxed = copy.copy(policy)
    relaxed.min_notice, relaxed.horizon_days = 0, 366
    return relaxed


def named_slots(slots) -> list[tuple]:
    """Free slots with their therapist's name, for the staff forms' "nearest free times"."""
    if not slots:
        return []
    names = dict(Therapist.objects.values_list("slug", "name"))
    return [(slot, names.get(slot.therapist, slot.therapist)) for slot in slots]


def feed_url(therapist: Therapist) -> str:
    return settings.SITE_URL + reverse("bookings:therapist_feed", args=[therapist.calendar_token])


# --- Agenda ----------------------------------------------------------------------------------

ROW_MINUTES = 15
DEFAULT_FIRST_MINUTE = 8 * 60
DEFAULT_LAST_MINUTE = 17 * 60


@dataclass
class AgendaSession:
    booking: Booking
    start: datetime  # clinic time
    end: datetime
    url: str


@dataclass
class AgendaCell:
    state: str  # session, working, break, off, cleanup, closed, gap
    rowspan: int = 1
    label: str = ""
    sessions: list[AgendaSession] = field(default_factory=list)
    add_url: str = ""
    add_label: str = ""
    first_of_day: bool = False
    lane: int = 0  # index of the lane (column) the cell belongs to

    @property
    def status(self) -> str:
        """The status colouring a block: its sessions' status when they share one."""
        statuses = {session.booking.status for session in self.sessions}
        return statuses.pop() if len(statuses) == 1 else "mixed"


@dataclass
class AgendaRow:
    label: str
    on_the_hour: bool
    cells: list[AgendaCell]


@dataclass
class AgendaLane:
    """One column of the grid: a therapist on a local date."""

    therapist: Therapist
    day: date
    sessions: list[AgendaSession]
    first_of_day: bool = False


@dataclass
class HeaderCell:
    label: str
    url: str = ""
    colspan: int = 1
    sub: str = ""
    today: bool = False
    first_of_day: bool = False


def _wall_minutes(moment: datetime, day: date, tz: ZoneInfo) -> int:
    """Minutes after local midnight of `day` on the clinic's clock (0 before, 1440 after)."""
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _clock(minute: int) -> str:
    hour, minute = divmod(minute, 60)
    suffix = "AM" if hour < 12 or hour == 24 else "PM"
    return f"{(hour % 12) or 12}:{minute:02d} {suffix}"


def build_agenda(
    therapists: Sequence[Therapist],
    days: Sequence[date],
    *,
    bookings: Iterable[Booking],
    time_off: Iterable[TimeOff],
    closures: Iterable[Closure],
    tz: ZoneInfo,
    now: datetime,
    session_url,
    add_url=None,
) -> tuple[list[AgendaLane], list[AgendaRow]]:
    """The agenda grid: lanes (a therapist on a day) and rows of 15 minutes of wall-clock time.

    Rows are clinic wall-clock times; each lane turns a row into an instant on its own date
    with zoneinfo, so a day on which daylight saving time starts or ends is placed right.
    Sessions become blocks spanning their rows (`rowspan`); working hours, breaks between
    working intervals, time off, closures and cleanup times shade the empty rows. Only free
    working rows that start at or after `now` get an `add_url`.
    """
    multi_day = len(days) > 1
    lanes = [
        AgendaLane(therapist=t, day=day, sessions=[], first_of_day=multi_day and index == 0)
        for day in days
        for index, t in enumerate(therapists)
    ]
    by_lane = {(lane.therapist.pk, lane.day): lane for lane in lanes}
    for booking in bookings:
        start = booking.start.astimezone(tz)
        lane = by_lane.get((booking.therapist_id, start.date()))
        if lane is not None:
            lane.sessions.append(
                AgendaSession(booking, start, booking.end.astimezone(tz), session_url(booking))
            )
    off: dict[int | None, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for row in time_off:
        off[row.therapist_id].append((row.start, row.end, row.reason or _("Time off")))
    for closure in closures:
        off[None].append((closure.start, closure.end, _("Closed: %s") % closure.reason))

    working: dict[tuple[int, date], list[tuple[datetime, datetime]]] = {}
    first_minute, last_minute = DEFAULT_FIRST_MINUTE, DEFAULT_LAST_MINUTE
    schedules = {
        t.pk: availability.Schedule(key=t.slug, weekly=_weekly_hours(t)) for t in therapists
    }
    for lane in lanes:
        key = (lane.therapist.pk, lane.day)
        working[key] = availability.working_intervals(
            schedules[lane.therapist.pk], lane.day, lane.day, tz
        )
        for opens, closes in working[key]:
            first_minute = min(first_minute, _wall_minutes(opens, lane.day, tz))
            last_minute = max(last_minute, _wall_minutes(closes, lane.day, tz))
        for session in lane.sessions:
            first_minute = min(first_minute, _wall_minutes(session.start, lane.day, tz))
            last_minute = max(last_minute, _wall_minutes(session.end, lane.day, tz))
    first_minute -= first_minute % 60
    last_minute = min(24 * 60, -(-last_minute // 60) * 60)
    count = (last_minute - first_minute) // ROW_MINUTES

    columns = [
        _lane_cells(
            index,
            lane,
            working[(lane.therapist.pk, lane.day)],
            off[lane.therapist.pk] + off[None],
            first_minute=first_minute,
            count=count,
            tz=tz,
            now=now,
            add_url=add_url,
        )
        for index, lane in enumerate(lanes)
    ]
    rows = []
    for index in range(count):
        minute = first_minute + index * ROW_MINUTES
        rows.append(
            AgendaRow(
                label=_clock(minute),
                on_the_hour=minute % 60 == 0,
                cells=[column[index] for column in columns if index in column],
            )
        )
    return lanes, rows


def _weekly_hours(therapist: Therapist) -> dict[int, list[tuple[time, time]]]:
    weekly: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for hours in therapist.hours.all():
        weekly[hours.weekday].append((hours.start, hours.end))
    return weekly


def _lane_cells(
    lane_index: int,
    lane: AgendaLane,
    working: list[tuple[datetime, datetime]],
    off: list[tuple[datetime, datetime, str]],
    *,
    first_minute: int,
    count: int,
    tz: ZoneInfo,
    now: datetime,
    add_url,
) -> dict[int, AgendaCell]:
    """The cells of one lane, keyed by the row each starts in (rows under a block have none)."""
    step = timedelta(minutes=ROW_MINUTES)
    day = lane.day
    opening = working[0][0] if working else None
    closing = working[-1][1] if working else None
    states: list[tuple[str, str]] = []
    instants: list[datetime] = []
    for index in range(count):
        minute = first_minute + index * ROW_MINUTES
        wall = time(minute // 60, minute % 60)
        instant = availability.local_datetime(day, wall, tz)
        instants.append(instant)
        if instant.replace(tzinfo=None) != datetime.combine(day, wall):
            states.append(("gap", _("Clocks go forward")))
            continue
        instant = instant.astimezone(UTC)
        reason = next((label for s, e, label in off if s < instant + step and e > instant), None)
        if reason is not None:
            states.append(("off", reason))
        elif any(opens <= instant < closes for opens, closes in working):
            states.append(("working", ""))
        elif opening is not None and opening <= instant < closing:
            states.append(("break", _("Break")))
        else:
            states.append(("closed", ""))

    # Sessions as blocks; two that meet after rounding to rows share one block.
    blocks: list[list] = []  # [first_row, end_row, sessions]
    for session in sorted(lane.sessions, key=lambda s: s.start):
        start = _wall_minutes(session.start, day, tz) - first_minute
        end = _wall_minutes(session.end, day, tz) - first_minute
        first_row = min(max(start // ROW_MINUTES, 0), count - 1)
        end_row = max(first_row + 1, min(-(-end // ROW_MINUTES), count))
        if blocks and first_row < blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end_row)
            blocks[-1][2].append(session)
        else:
            blocks.append([first_row, end_row, [session]])
        cleanup = _wall_minutes(session.booking.blocked_until, day, tz) - first_minute
        for index in range(end_row, min(-(-cleanup // ROW_MINUTES), count)):
            if states[index][0] in {"working", "break", "closed"}:
                states[index] = ("cleanup", _("Cleanup"))

    starts = {block[0]: block for block in blocks}
    cells: dict[int, AgendaCell] = {}
    index = 0
    while index < count:
        if index in starts:
            first_row, end_row, sessions = starts[index]
            cells[index] = AgendaCell(
                state="session",
                rowspan=end_row - first_row,
                sessions=sessions,
                first_of_day=lane.first_of_day,
                lane=lane_index,
            )
            index = end_row
            continue
        state, label = states[index]
        span = 1
        if state in {"off", "closed", "gap"}:
            # One shaded cell for a stretch of time off, so its reason shows once.
            while (
                index + span < count
                and index + span not in starts
                and states[index + span] == (state, label)
            ):
                span += 1
        cell = AgendaCell(
            state=state,
            rowspan=span,
            label=label,
            first_of_day=lane.first_of_day,
            lane=lane_index,
        )
        # Booking fails in the past and outside working hours: offer only what would work.
        if add_url is not None and state == "working" and instants[index] >= now:
            local = instants[index].astimezone(tz)
            cell.add_url = add_url(lane.therapist, local)
            cell.add_label = _("Book %(name)s at %(time)s") % {
                "name": lane.therapist.first_name,
                "time": _clock(local.hour * 60 + local.minute),
            }
        cells[index] = cell
        index += span
    return cells


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
        ) % {
            "first": dateformat.format(first, "M j, Y"),
            "last": dateformat.format(last, "M j, Y"),
            "value": value[:20],
        }
    return chosen, ""


def agenda(request, model_admin):
    """Day or week agenda for one therapist or the whole clinic, in clinic time.

    ?date=YYYY-MM-DD&view=day|week&therapist=<slug>. A therapist always sees their own
    agenda; another therapist's slug answers 404. Constant queries: therapists, their hours,
    bookings, time off and closures, one query each.
    """
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    scope = staff_scope(request.user)
    tz = clinic_tz()
    now = timezone.now()
    today = now.astimezone(tz).date()
    chosen, problem = _date_param(request.GET.get("date"), today)
    view = request.GET.get("view", "day")
    if view not in {"day", "week"}:
        view = "day"

    team = list(
        therapists_with_hours(scoped_therapists(Therapist.objects.all(), request.user)).order_by(
            "order", "name"
        )
    )
    slug = request.GET.get("therapist", "")
    if not scope.everything:
        # A therapist opens on their own agenda and never sees anyone else's.
        if scope.therapist is None:
            raise PermissionDenied
        if slug and slug != scope.therapist.slug:
            raise Http404
        slug = scope.therapist.slug
    if slug:
        shown = [t for t in team if t.slug == slug]
        if not shown:
            raise Http404
    else:
        shown = [t for t in team if t.active]
    choices = [t for t in team if t.active or t.slug == slug]

    if view == "week":
        first = chosen - timedelta(days=chosen.weekday())
        days = [first + timedelta(days=offset) for offset in range(7)]
        step = timedelta(days=7)
    else:
        days = [chosen]
        step = timedelta(days=1)
    window_start = datetime.combine(days[0], time.min, tzinfo=tz)
    window_end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=tz)
    ids = [t.pk for t in shown]
    bookings = (
        Booking.objects.active()
        .filter(therapist__in=ids, start__lt=window_end, end__gt=window_start)
        .select_related("client", "service")
        .order_by("start")
    )
    time_off = TimeOff.objects.filter(therapist__in=ids, start__lt=window_end, end__gt=window_start)
    closures = Closure.objects.filter(start__lt=window_end, end__gt=window_start)

    add_url = None
    if model_admin.has_add_permission(request):
        book_url = reverse("admin:bookings_booking_add")

        def add_url(therapist, local):
            return (
                book_url
                + "?"
                + urlencode(
                    {
                        "therapist": therapist.slug,
                        "date": local.date().isoformat(),
                        "time": local.strftime("%H:%M"),
                    }
                )
            )

    lanes, rows = build_agenda(
        shown,
        days,
        bookings=bookings,
        time_off=time_off,
        closures=closures,
        tz=tz,
        now=now,
        session_url=lambda b: reverse("admin:bookings_booking_change", args=[b.pk]),
        add_url=add_url,
    )

    def link(**changes) -> str:
        params = {"date": chosen.isoformat(), "view": view, "therapist": slug}
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    header_rows = _headers(lanes, shown, days, view=view, today=today, link=link, scope=scope)
    if view == "week":
        title = _("Week of %(first)s – %(last)s") % {
            "first": dateformat.format(days[0], "M j"),
            "last": dateformat.format(days[-1], "M j, Y"),
        }
    else:
        title = dateformat.format(chosen, "l, F j, Y")
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
        header_rows=header_rows,
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
        can_add=add_url is not None,
    )
    return TemplateResponse(
        request, "admin/bookings/agenda.html", context, status=400 if problem else 200
    )


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


# --- Export ----------------------------------------------------------------------------------

EXPORT_HEADER = [
    "Reference",
    "Date",
    "Start",
    "End",
    "Time zone",
    "Therapist",
    "Service",
    "Minutes",
    "Price (USD)",
    "Client",
    "Email",
    "Phone",
    "Status",
    "Source",
    "Booked at",
]


PHONE_LIKE = re.compile(r"^[+\-]?[0-9 ().\-]+$")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula; phone numbers stay as they are."""
    text = str(value)
    if text[:1] in {"=", "@", "\t", "\r"} or (
        text[:1] in {"+", "-"} and not PHONE_LIKE.match(text)
    ):
        return "'" + text
    return text


def bookings_csv(bookings, filename: str) -> HttpResponse:
    """Bookings as a UTF-8 CSV download (with a BOM), times in clinic time with their zone."""
    tz = clinic_tz()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    # A byte order mark, or Excel reads the UTF-8 file as ANSI and garbles accented names.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(EXPORT_HEADER)
    for booking in bookings.select_related("therapist", "service", "client").order_by("start"):
        start, end = booking.start.astimezone(tz), booking.end.astimezone(tz)
        writer.writerow(
            _cell(value)
            for value in [
                booking.reference,
                start.date().isoformat(),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                start.tzname(),
                booking.therapist.name,
                booking.service.name,
                booking.minutes,
                booking.agreed_price,
                booking.client.name,
                booking.client.email,
                booking.client.phone,
                booking.get_status_display(),
                booking.get_source_display(),
                booking.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def export(request, model_admin):
    """Bookings starting in a date range (clinic dates, inclusive) as CSV, within the row limits."""
    if not model_admin.has_export_permission(request):
        raise PermissionDenied
    form = ExportForm(request.GET or None, today=timezone.now().astimezone(clinic_tz()).date())
    if form.is_bound and form.is_valid():
        tz = clinic_tz()
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
        bookings = scoped_bookings(Booking.objects.all(), request.user).filter(
            start__gte=datetime.combine(first, time.min, tzinfo=tz),
            start__lt=datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
        )
        if not form.cleaned_data["include_cancelled"]:
            bookings = bookings.active()
        return bookings_csv(bookings, f"bookings-{first.isoformat()}-to-{last.isoformat()}.csv")
    context = admin_context(request, model_admin, title=_("Export bookings"), form=form)
    return TemplateResponse(
        request,
        "admin/bookings/export.html",
        context,
        status=400 if form.is_bound else 200,
    )


# --- Book for a caller -----------------------------------------------------------------------

STAFF_REFUSALS = {
    "booked": gettext_lazy(
        "%(who)s already has a session (or its cleanup time) then. Bookings never overlap: "
        "please choose another time."
    ),
    "nobody": gettext_lazy(
        "Nobody who offers this service is free then. Please choose another time."
    ),
    "hours": gettext_lazy("%(who)s is not working then."),
    "time_off": gettext_lazy("%(who)s is away then (time off or a clinic closure)."),
    "off_grid": gettext_lazy("Sessions usually start every %(step)d minutes."),
    "notice": gettext_lazy(
        "That is sooner than the %(notice)d minutes' notice online bookings need."
    ),
    "horizon": gettext_lazy(
        "That is further ahead than the %(days)d days clients can book online."
    ),
    "past": gettext_lazy("That time has already passed."),
}
OVERRIDABLE = {"hours", "time_off", "off_grid", "notice", "horizon"}


def staff_refusal(
    code: str, *, therapist: Therapist | None, policy: BookingPolicy, hint: bool = True
) -> str:
    """Why staff cannot book a time, in staff words, with the override hint where it helps."""
    message = STAFF_REFUSALS.get(code, STAFF_REFUSALS["nobody"]) % {
        "who": therapist.name if therapist else _("The therapist"),
        "step": policy.slot_step,
        "notice": policy.min_notice,
        "days": policy.horizon_days,
    }
    if hint and code in OVERRIDABLE:
        message += " " + _("Tick “Override working hours” to book it anyway.")
    return message


def outside_rules(booking: Booking, *, now: datetime, policy: BookingPolicy) -> str | None:
    """Why online booking would have refused this (staff-made) booking; None if it would not."""
    tz = clinic_tz()
    day = booking.start.astimezone(tz).date()
    therapists = list(therapists_with_hours(Therapist.objects.filter(pk=booking.therapist_id)))
    loaded = load_schedules(therapists, day, day, exclude_booking=booking, tz=tz)
    return availability.why_unavailable(
        loaded.schedules[0],
        booking.start,
        duration=booking.service.length,
        buffer=booking.service.buffer,
        now=now,
        rules=availability.Rules(step=policy.step, notice=timedelta(), horizon=policy.horizon),
        tz=tz,
    )


def book_for_caller(request, model_admin):
    """The front desk books for a caller through the same service and guarantee as clients.

    "Override working hours" books outside hours, notice, horizon, time off and closures, with
    a warning; it never books over another booking (SlotUnavailable becomes a form error).
    """
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    now = timezone.now()
    today = now.astimezone(clinic_tz()).date()
    policy = BookingPolicy.load()
    nearest = []
    if request.method == "POST":
        form = CallerBookingForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_create(
                    service=data["service"],
                    therapist=data["therapist"],
                    start=data["start"],
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    notes=data["notes"],
                    now=now,
                    source=Booking.Source.STAFF,
                    override_hours=data["override_hours"],
                    by=request.user,
                )
            except services.BookingError as error:
                form.add_error(
                    None,
                    staff_refusal(error.code, therapist=data["therapist"], policy=policy)
                    if error.code in STAFF_REFUSALS
                    else error.message,
                )
                if isinstance(error, services.SlotUnavailable):
                    nearest = nearest_slots(
                        data["service"],
                        data["therapist"],
                        data["start"],
                        now=now,
                        policy=staff_policy(policy),
                    )
            else:
                model_admin.log_addition(request, booking, [{"added": {}}])
                messages.success(
                    request,
                    _(
                        "Booked %(ref)s: %(service)s with %(therapist)s, %(when)s. "
                        "The client has been emailed a confirmation."
                    )
                    % {
                        "ref": booking.reference,
                        "service": booking.service,
                        "therapist": booking.therapist.name,
                        "when": _clinic_when(booking.start),
                    },
                )
                if data["override_hours"]:
                    code = outside_rules(booking, now=now, policy=policy)
                    if code is not None and code != "booked":
                        messages.warning(
                            request,
                            _("Booked outside the usual rules: %(why)s")
                            % {
                                "why": staff_refusal(
                                    code, therapist=booking.therapist, policy=policy, hint=False
                                )
                            },
                        )
                return HttpResponseRedirect(
                    reverse("admin:bookings_booking_change", args=[booking.pk])
                )
    else:
        form = CallerBookingForm(initial=CallerBookingForm.initial_from(request.GET), today=today)
    context = admin_context(
        request,
        model_admin,
        title=_("Book for a caller"),
        form=form,
        zone=zone_name(),
        nearest=named_slots(nearest),
        add=True,
    )
    return TemplateResponse(
        request,
        "admin/bookings/book_for_caller.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _clinic_when(moment: datetime) -> str:
    return dateformat.format(moment.astimezone(clinic_tz()), r"D M j, Y \a\t g:i A T")


# --- Move a booking --------------------------------------------------------------------------


def booking_move(request, object_id, model_admin):
    """The front desk moves a confirmed booking to another time or therapist (GET: the form).

    Through `services.booking_reschedule` with staff rules: no online notice or horizon, never
    over another booking; the client and therapists are emailed once it is saved. A therapist
    may not move bookings (403); a booking outside the user's rows answers 404.
    """
    booking = model_admin.get_object(request, object_id)
    if not model_admin.has_move_permission(request, booking):
        raise PermissionDenied
    change_url = reverse("admin:bookings_booking_change", args=[booking.pk])
    if booking.status != Booking.Status.CONFIRMED:
        messages.warning(
            request,
            _("Only confirmed bookings can be moved; %(ref)s is %(status)s. Nothing was changed.")
            % {"ref": booking.reference, "status": booking.get_status_display().lower()},
        )
        return HttpResponseRedirect(change_url)
    now = timezone.now()
    today = now.astimezone(clinic_tz()).date()
    policy = BookingPolicy.load()
    nearest = []
    if request.method == "POST":
        form = MoveBookingForm(request.POST, booking=booking, today=today)
        if form.is_valid():
            data = form.cleaned_data
            previous_therapist = booking.therapist
            try:
                moved = services.booking_reschedule(
                    booking=booking,
                    start=data["start"],
                    therapist=data["therapist"],
                    now=now,
                    by=request.user,
                )
            except services.BookingError as error:
                form.add_error(None, _move_refusal(error, data["therapist"], policy))
                if isinstance(error, services.SlotUnavailable):
                    nearest = nearest_slots(
                        booking.service,
                        data["therapist"],
                        data["start"],
                        now=now,
                        policy=staff_policy(policy),
                        exclude_booking=booking,
                    )
            else:
                when = _clinic_when(moved.start)
                model_admin.log_change(request, moved, _("Moved to %(when)s") % {"when": when})
                emailed = (
                    _("the client and therapist have been emailed")
                    if moved.therapist_id == previous_therapist.pk
                    else _("the client and both therapists have been emailed")
                )
                messages.success(
                    request,
                    _("Moved %(ref)s to %(when)s with %(therapist)s; %(emailed)s.")
                    % {
                        "ref": moved.reference,
                        "when": when,
                        "therapist": moved.therapist.name,
                        "emailed": emailed,
                    },
                )
                return HttpResponseRedirect(change_url)
    else:
        form = MoveBookingForm(booking=booking, today=today)
    context = admin_context(
        request,
        model_admin,
        title=_("Move booking %(ref)s") % {"ref": booking.reference},
        booking=booking,
        current=_clinic_when(booking.start),
        change_url=change_url,
        form=form,
        zone=zone_name(),
        nearest=named_slots(nearest),
        original=booking,
    )
    return TemplateResponse(
        request,
        "admin/bookings/move_booking.html",
        context,
        status=400 if form.is_bound else 200,
    )


def _move_refusal(
    error: services.BookingError, therapist: Therapist | None, policy: BookingPolicy
) -> str:
    """Why the booking cannot be moved there, in staff words."""
    if error.code in STAFF_REFUSALS:
        return staff_refusal(error.code, therapist=therapist, policy=policy, hint=False)
    if error.code == "same_time":
        return _("That is already the booking's time and therapist. Choose another time.")
    return error.message


# --- Calendar feed link ----------------------------------------------------------------------


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
