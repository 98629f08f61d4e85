"""The agenda's grid, built from plain rows: lanes (a therapist on a day) and 15-minute rows.

No request and no queries in here: `bookings.admin.agenda` loads the rows and renders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .. import availability
from ..models import Booking, Closure, Therapist, TimeOff
from ..schedules import schedule_of

ROW_MINUTES = 15
DEFAULT_FIRST_MINUTE = 8 * 60
DEFAULT_LAST_MINUTE = 17 * 60
DAY_MINUTES = 24 * 60

Off = list[tuple[datetime, datetime, str]]


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
    """One column of the grid: a therapist on a local date, with its working intervals."""

    therapist: Therapist
    day: date
    sessions: list[AgendaSession]
    first_of_day: bool = False
    working: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass
class HeaderCell:
    label: str
    url: str = ""
    colspan: int = 1
    sub: str = ""
    today: bool = False
    first_of_day: bool = False


@dataclass(frozen=True)
class Grid:
    """The rows shown, as minutes after local midnight, and what every lane needs to know."""

    first_minute: int
    count: int
    tz: ZoneInfo
    now: datetime
    add_url: Callable | None


def wall_minutes(moment: datetime, day: date, tz: ZoneInfo) -> int:
    """Minutes after local midnight of `day` on the clinic's clock (0 before, 1440 after)."""
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def clock(minute: int) -> str:
    """A row's label: '9:15 AM'."""
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
    by_room: bool = False,
    schedules: dict | None = None,
) -> tuple[list[AgendaLane], list[AgendaRow]]:
    """The agenda grid: lanes (a therapist on a day) and rows of 15 minutes of wall-clock time.

    Rows are clinic wall-clock times; each lane turns a row into an instant on its own date
    with zoneinfo, so a day on which daylight saving time starts or ends is placed right.
    Sessions become blocks spanning their rows (`rowspan`); working hours, breaks between
    working intervals, time off, closures and cleanup times shade the empty rows. Only free
    working rows that start at or after `now` get an `add_url`.

    `by_room`: the lanes are rooms (`therapists` holds `RoomLane`s with their `schedules`),
    sessions are placed by their room and `time_off` holds the rooms' closures.
    """
    owner = "room_id" if by_room else "therapist_id"
    lanes = _lanes(
        therapists, days, bookings, tz=tz, session_url=session_url, owner=owner, schedules=schedules
    )
    off: dict[int | None, Off] = defaultdict(list)
    for row in time_off:
        off[getattr(row, owner)].append((row.start, row.end, row.reason or _("Time off")))
    for closure in closures:
        off[None].append((closure.start, closure.end, _("Closed: %s") % closure.reason))
    grid = _grid(lanes, tz=tz, now=now, add_url=add_url)
    columns = [
        lane_cells(index, lane, off[lane.therapist.pk] + off[None], grid)
        for index, lane in enumerate(lanes)
    ]
    rows = []
    for index in range(grid.count):
        minute = grid.first_minute + index * ROW_MINUTES
        rows.append(
            AgendaRow(
                label=clock(minute),
                on_the_hour=minute % 60 == 0,
                cells=[column[index] for column in columns if index in column],
            )
        )
    return lanes, rows


@dataclass(frozen=True)
class RoomLane:
    """A room heading a lane of the agenda by room, shaped like a therapist for the grid."""

    pk: int
    slug: str
    name: str

    @property
    def first_name(self) -> str:
        return self.name


def _lanes(
    therapists, days, bookings, *, tz, session_url, owner="therapist_id", schedules=None
) -> list[AgendaLane]:
    multi_day = len(days) > 1
    schedules = schedules or {t.pk: schedule_of(t) for t in therapists}
    lanes = [
        AgendaLane(
            therapist=t,
            day=day,
            sessions=[],
            first_of_day=multi_day and index == 0,
            working=availability.working_intervals(schedules[t.pk], day, day, tz),
        )
        for day in days
        for index, t in enumerate(therapists)
    ]
    by_lane = {(lane.therapist.pk, lane.day): lane for lane in lanes}
    for booking in bookings:
        start = booking.start.astimezone(tz)
        lane = by_lane.get((getattr(booking, owner), start.date()))
        if lane is not None:
            lane.sessions.append(
                AgendaSession(booking, start, booking.end.astimezone(tz), session_url(booking))
            )
    return lanes


def _grid(lanes: list[AgendaLane], *, tz, now, add_url) -> Grid:
    """Whole hours from the earliest opening or session to the latest (8 AM to 5 PM at least)."""
    first_minute, last_minute = DEFAULT_FIRST_MINUTE, DEFAULT_LAST_MINUTE
    for lane in lanes:
        spans = [*lane.working, *((s.start, s.end) for s in lane.sessions)]
        for start, end in spans:
            first_minute = min(first_minute, wall_minutes(start, lane.day, tz))
            last_minute = max(last_minute, wall_minutes(end, lane.day, tz))
    first_minute -= first_minute % 60
    last_minute = min(DAY_MINUTES, -(-last_minute // 60) * 60)
    return Grid(
        first_minute=first_minute,
        count=(last_minute - first_minute) // ROW_MINUTES,
        tz=tz,
        now=now,
        add_url=add_url,
    )


def _row_state(instant: datetime, lane: AgendaLane, off: Off) -> tuple[str, str]:
    """What a row of a lane shows when no session is in it."""
    step = timedelta(minutes=ROW_MINUTES)
    reason = next((label for s, e, label in off if s < instant + step and e > instant), None)
    if reason is not None:
        return "off", reason
    if any(opens <= instant < closes for opens, closes in lane.working):
        return "working", ""
    if lane.working and lane.working[0][0] <= instant < lane.working[-1][1]:
        return "break", _("Break")
    return "closed", ""


def _row_states(lane: AgendaLane, off: Off, grid: Grid) -> tuple[list, list[datetime]]:
    """Each row's state and label, and the instant it starts on the lane's own date."""
    states: list[tuple[str, str]] = []
    instants: list[datetime] = []
    for index in range(grid.count):
        minute = grid.first_minute + index * ROW_MINUTES
        wall = time(minute // 60, minute % 60)
        instant = availability.local_datetime(lane.day, wall, grid.tz)
        instants.append(instant)
        if instant.replace(tzinfo=None) != datetime.combine(lane.day, wall):
            states.append(("gap", _("Clocks go forward")))
        else:
            states.append(_row_state(instant.astimezone(UTC), lane, off))
    return states, instants


def _blocks(lane: AgendaLane, states: list, grid: Grid) -> dict[int, tuple[int, list]]:
    """Sessions as blocks by first row: (end row, sessions); two that meet after rounding to
    rows share one block. Rows of cleanup after a session are marked in `states`."""
    blocks: list[list] = []  # [first_row, end_row, sessions]
    for session in sorted(lane.sessions, key=lambda s: s.start):
        start = wall_minutes(session.start, lane.day, grid.tz) - grid.first_minute
        end = wall_minutes(session.end, lane.day, grid.tz) - grid.first_minute
        first_row = min(max(start // ROW_MINUTES, 0), grid.count - 1)
        end_row = max(first_row + 1, min(-(-end // ROW_MINUTES), grid.count))
        if blocks and first_row < blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], end_row)
            blocks[-1][2].append(session)
        else:
            blocks.append([first_row, end_row, [session]])
        cleanup = wall_minutes(session.booking.blocked_until, lane.day, grid.tz)
        for index in range(
            end_row, min(-(-(cleanup - grid.first_minute) // ROW_MINUTES), grid.count)
        ):
            if states[index][0] in {"working", "break", "closed"}:
                states[index] = ("cleanup", _("Cleanup"))
    return {first: (end, sessions) for first, end, sessions in blocks}


def lane_cells(lane_index: int, lane: AgendaLane, off: Off, grid: Grid) -> dict[int, AgendaCell]:
    """The cells of one lane, keyed by the row each starts in (rows under a block have none)."""
    states, instants = _row_states(lane, off, grid)
    blocks = _blocks(lane, states, grid)
    cells: dict[int, AgendaCell] = {}
    index = 0
    while index < grid.count:
        if index in blocks:
            end_row, sessions = blocks[index]
            cells[index] = AgendaCell(
                state="session",
                rowspan=end_row - index,
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
                index + span < grid.count
                and index + span not in blocks
                and states[index + span] == (state, label)
            ):
                span += 1
        cell = AgendaCell(
            state=state, rowspan=span, label=label, first_of_day=lane.first_of_day, lane=lane_index
        )
        _offer_booking(cell, lane, instants[index], grid)
        cells[index] = cell
        index += span
    return cells


def _offer_booking(cell: AgendaCell, lane: AgendaLane, instant: datetime, grid: Grid) -> None:
    # Booking fails in the past and outside working hours: offer only what would work.
    if grid.add_url is None or cell.state != "working" or instant < grid.now:
        return
    local = instant.astimezone(grid.tz)
    cell.add_url = grid.add_url(lane.therapist, local)
    cell.add_label = _("Book %(name)s at %(time)s") % {
        "name": lane.therapist.first_name,
        "time": clock(local.hour * 60 + local.minute),
    }
