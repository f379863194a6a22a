"""Wall-clock times of a site turned into real instants, across daylight-saving changes.

Instants are whole epoch seconds (int): the engine compares millions of them, and ints compare and
add faster than aware datetimes while staying exact.

The one rule: wall time `w` on local day `d` is the first instant of that day at which the site's
clock shows `w` or later. So a time in the skipped hour (spring) is the instant the clock jumps
(02:30 on Europe/Paris's March change is 03:00 CEST), and a time in the repeated hour (autumn) is
its first occurrence (02:30 on the October change is 02:30 CEST, +02:00). The mapping never
decreases, so an interval keeps its order and has its true length in real minutes."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The days a site's calendar takes (a start, a board's or desk's day): a day's margin inside
# what datetime can hold, so that any offset and a day on either side stay computable.
FIRST_DAY, LAST_DAY = date(1970, 1, 2), date(2999, 12, 30)


def day_in_range(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def instant_at(day: date, wall: time, tz: ZoneInfo) -> int:
    """Epoch second at which the clock of `tz` first shows `wall` (or later) on `day`."""
    local = datetime.combine(day, wall.replace(fold=0), tzinfo=tz)
    ts = math.floor(local.timestamp())
    back = datetime.fromtimestamp(ts, tz)
    if back.replace(tzinfo=None) == local.replace(tzinfo=None, microsecond=0):
        return ts
    # `wall` does not exist: fold=0 read it with the offset before the jump (an instant after the
    # jump), fold=1 with the offset after it (an instant before). The jump lies in between.
    before = math.floor(datetime.combine(day, wall.replace(fold=1), tzinfo=tz).timestamp())
    after_offset = back.utcoffset()
    lo, hi = before, ts  # the offset at `hi` is the new one; at `lo` the old one
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == after_offset:
            hi = mid
        else:
            lo = mid
    return hi


def same_instant(a: datetime, b: datetime) -> bool:
    """Whether two aware datetimes are one instant. `==` is not that: between two zones it is
    never true for a time in a repeated hour (PEP 495), e.g. 02:30+01:00 given by a client against
    the same 02:30 on a zoneinfo clock."""
    return a.astimezone(UTC) == b.astimezone(UTC)


def skipped_wall_time(moment: datetime, tz: ZoneInfo) -> bool:
    """Whether `moment` is written as a wall time that the clock of `tz` skips (the hour the
    clocks go forward) with one of the offsets `tz` has on either side of the jump: its writer
    read the site's clock, and that time does not exist on it (`02:30+02:00` on Europe/Paris's
    March change is the instant 01:30+01:00). The same instant written in another offset (UTC,
    say) is not that mistake."""
    offset = moment.utcoffset()
    if offset is None:
        return False
    wall = moment.replace(tzinfo=None)
    before, after = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if before.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall:
        return False  # the clock shows it (once, or twice in the repeated hour)
    return offset in {before.utcoffset(), after.utcoffset()}


def local_datetime(ts: int, tz: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, tz)


def local_date(ts: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, tz).date()


def floor_seconds(moment: datetime) -> int:
    return math.floor(moment.timestamp())


def ceil_seconds(moment: datetime) -> int:
    return math.ceil(moment.timestamp())


def later(moment: datetime, minutes: int) -> datetime:
    """`minutes` real minutes after `moment`, on the same clock. (`moment + timedelta` on a
    zoneinfo datetime adds wall-clock time, which is wrong across a change.)"""
    return (moment.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(moment.tzinfo)
