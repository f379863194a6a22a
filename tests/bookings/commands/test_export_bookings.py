"""export_bookings: the bookings of a range of days on each site's own calendar, as CSV (with a
header) or JSON (a list), times with the site's offset; by site; into a file that a re-run
rewrites identically; bad input exits non-zero with a clear message."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, load_command_class
from pytest_django import DjangoAssertNumQueries

from bookings import selectors
from tests.accounts.factories import UserFactory
from tests.bookings.factories import PARIS, BookingFactory, World, make_world
from tests.scheduling.factories import ResourceFactory, SiteFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,state,start,end,site,resource,customer_email,plate,service,total,currency,fee,"
    "fee_before_waiver,fee_waiver_reason"
)


@pytest.fixture
def world() -> World:
    world = make_world(name="Bastille")
    marie = UserFactory.create(email="marie@example.com")
    vehicle = VehicleFactory.create(owner=marie, plate="AB123CD")
    tokyo = SiteFactory.create(name="Shibuya", timezone="Asia/Tokyo")
    bay = world.resources[0]

    def row(reference: str, start: datetime, **fields: Any) -> None:
        fields.setdefault("site", world.site)
        fields.setdefault("resource", bay)
        BookingFactory.create(
            reference=reference, vehicle=vehicle, service=world.service, start=start, **fields
        )

    # 1-2 March 2026 in Paris (UTC+1); the first starts at 00:30 local, 23:30 UTC the day before.
    row("BK-PARIS1", datetime(2026, 3, 1, 0, 30, tzinfo=PARIS), state="confirmed")
    row(
        "BK-PARIS2",
        datetime(2026, 3, 2, 10, tzinfo=PARIS),
        state="cancelled",
        fee=Decimal("25.00"),
        total=Decimal("50.00"),
    )
    row("BK-PARIS3", datetime(2026, 3, 3, 0, 30, tzinfo=PARIS))  # the day after the range
    # 2 March 08:00 in Tokyo is 1 March 23:00 UTC: on the 2nd at that site.
    row(
        "BK-TOKYO1",
        datetime(2026, 3, 1, 23, tzinfo=UTC),
        site=tokyo,
        resource=ResourceFactory.create(site=tokyo, name="Bay T"),
    )
    return world


def export(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("export_bookings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue().strip()


def test_csv_on_stdout_with_a_header_and_site_local_times(world: World) -> None:
    data, summary = export("--from", "2026-03-01", "--to", "2026-03-02")
    lines = data.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(StringIO(data)))
    assert [r["reference"] for r in rows] == ["BK-PARIS1", "BK-TOKYO1", "BK-PARIS2"]
    first = rows[0]
    assert first == {
        "reference": "BK-PARIS1",
        "state": "confirmed",
        "start": "2026-03-01T00:30:00+01:00",
        "end": "2026-03-01T01:30:00+01:00",
        "site": "Bastille",
        "resource": "Bay 1",
        "customer_email": "marie@example.com",
        "plate": "AB-123-CD",
        "service": "Full wash",
        "total": "50.00",
        "currency": "EUR",
        "fee": "",
        "fee_before_waiver": "",
        "fee_waiver_reason": "",
    }
    assert rows[1]["start"] == "2026-03-02T08:00:00+09:00"
    assert rows[2]["fee"] == "25.00"
    # The summary goes to stderr: stdout carries only the data.
    assert summary == (
        "Exported 3 booking(s) from 2026-03-01 to 2026-03-02 (all sites) as CSV to stdout."
    )


def test_json_is_a_list_and_a_site_is_found_by_name_or_id(world: World) -> None:
    data, _summary = export(
        "--from", "2026-03-01", "--to", "2026-03-31", "--site", "bastille", "--format", "json"
    )
    rows = json.loads(data)
    assert [r["reference"] for r in rows] == ["BK-PARIS1", "BK-PARIS2", "BK-PARIS3"]
    assert rows[0]["fee"] is None
    assert rows[1]["fee"] == "25.00"
    assert list(rows[0]) == list(selectors.EXPORT_COLUMNS)

    by_id, summary = export(
        "--from", "2026-03-01", "--to", "2026-03-31", "--site", str(world.site.public_id),
        "--format", "json",
    )  # fmt: skip
    assert json.loads(by_id) == rows
    assert "(Bastille)" in summary


def test_an_empty_range_is_an_empty_export(world: World) -> None:
    data, summary = export("--from", "2027-01-01", "--to", "2027-01-31", "--format", "json")
    assert json.loads(data) == []
    assert summary.startswith("Exported 0 booking(s)")
    data, _summary = export("--from", "2027-01-01", "--to", "2027-01-31")
    assert data.splitlines() == [HEADER]


def test_into_a_file_and_a_rerun_writes_the_same_file(world: World, tmp_path: Path) -> None:
    target = tmp_path / "march.csv"
    data, summary = export("--from", "2026-03-01", "--to", "2026-03-02", "--output", str(target))
    assert summary == ""
    assert data.strip() == (
        f"Exported 3 booking(s) from 2026-03-01 to 2026-03-02 (all sites) as CSV to {target}."
    )
    first = target.read_bytes()
    assert target.stat().st_mode & 0o777 == 0o600  # customers' e-mail addresses inside
    assert first.decode().splitlines()[0] == HEADER
    export("--from", "2026-03-01", "--to", "2026-03-02", "--output", str(target))
    assert target.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["march.csv"]  # no temporary file left


def test_rows_are_read_in_chunks(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # One query for the timezones in play, one for the rows, whatever the chunk size.
    with django_assert_num_queries(2):
        rows = list(
            selectors.bookings_for_export(
                first=date(2026, 3, 1), last=date(2026, 3, 31), chunk_size=1
            )
        )
    assert len(rows) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-02-30", "--to", "2026-03-01"], "--from must be a date"),
        (["--from", "2026-03-01", "--to", "March"], "--to must be a date"),
        (["--from", "2026-03-02", "--to", "2026-03-01"], "--to must not be before --from"),
        (["--from", "2026-03-01", "--to", "2026-03-02", "--site", "Nowhere"], "No site"),
        (
            ["--from", "2026-03-01", "--to", "2026-03-02", "--output", "/nonexistent/x.csv"],
            "Cannot write /nonexistent/x.csv",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_a_clear_message(
    world: World, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(CommandError, match=message):
        export(*args)
    with pytest.raises(SystemExit) as exit_info:
        load_command_class("bookings", "export_bookings").run_from_argv(
            ["manage.py", "export_bookings", *args]
        )
    assert exit_info.value.code == 1
    assert message in capsys.readouterr().err


def test_an_unknown_format_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        export("--from", "2026-03-01", "--to", "2026-03-02", "--format", "xml")
