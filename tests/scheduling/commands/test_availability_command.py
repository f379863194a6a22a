from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scheduling.models import Site
from tests.pricing.factories import ServiceFactory
from tests.scheduling.factories import ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db


def next_monday() -> date:
    today = date.today()
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture
def setup() -> Site:
    site = SiteFactory.create(name="Bastille", hours=[(time(8), time(10))])
    ResourceFactory.create(site=site)
    ResourceFactory.create(site=site)
    ServiceFactory.create(code="wash", base_duration_minutes=60)
    return site


def test_prints_the_free_starts_as_a_table(setup: Site) -> None:
    out = StringIO()
    call_command(
        "availability",
        "--site", "bastille", "--service", "wash", "--category", "small",
        "--date", next_monday().isoformat(), "--days", "2",
        stdout=out,
    )  # fmt: skip
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Bastille (Europe/Paris) - ")
    rows = [line.split() for line in lines[3:-1]]
    assert [row[1] for row in rows] == ["08:00", "08:15", "08:30", "08:45", "09:00"] * 2
    assert {row[3] for row in rows} == {"2"}
    assert "10 free start(s) over 2 day(s)." in lines[-1]


def test_site_by_public_id(setup: Site) -> None:
    out = StringIO()
    call_command(
        "availability", "--site", str(setup.public_id), "--service", "wash",
        "--category", "small", "--date", next_monday().isoformat(), stdout=out,
    )  # fmt: skip
    assert "5 free start(s)" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "Nowhere"], "No site"),
        (["--service", "nope"], "service"),
        (["--category", "tank"], "category"),
        (["--date", "2026-02-30"], "--date"),
        (["--days", "40"], "--days"),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(
    setup: Site, args: list[str], message: str
) -> None:
    base = {"--site": "Bastille", "--service": "wash", "--category": "small",
            "--date": next_monday().isoformat()}  # fmt: skip
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [item for pair in base.items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("availability", *argv, stdout=StringIO())


def test_explain_prints_every_reason_per_resource(setup: Site) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.scheduling.factories import ClosureFactory

    monday = next_monday()
    paris = ZoneInfo("Europe/Paris")
    bay = setup.resources.order_by("name").first()
    ClosureFactory.create(
        site=None,
        resource=bay,
        start=datetime.combine(monday, time(8), tzinfo=paris),
        end=datetime.combine(monday, time(10), tzinfo=paris),
        reason="Lift repair",
    )
    out = StringIO()
    start = datetime.combine(monday, time(9, 10), tzinfo=paris).isoformat()
    call_command(
        "availability",
        "--site", "bastille", "--service", "wash", "--category", "small",
        "--explain", start,
        stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert "not offered" in text
    assert "not_on_grid" in text
    assert "outside_opening_hours" in text
    assert "resource_closed" in text
    assert "Lift repair" in text
    assert "Nearest offered: before" in text


@pytest.mark.parametrize("start", ["0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"])
def test_explain_refuses_a_start_out_of_the_calendars_range(setup: Site, start: str) -> None:
    argv = ["--site", "Bastille", "--service", "wash", "--category", "small", "--explain", start]
    with pytest.raises(CommandError, match="start"):
        call_command("availability", *argv, stdout=StringIO())
