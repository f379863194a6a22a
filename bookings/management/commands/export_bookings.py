"""Bookings of a date range (each site's own calendar days, both ends included) as CSV or JSON,
on stdout or into a file. Rows are read in chunks and written as they come, so a large export
stays small in memory. A file is written next to its destination and moved into place at the
end: a failed export never leaves half a file behind."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bookings import selectors
from scheduling import public as scheduling

FORMATS = ("csv", "json")


def _day(raw: str, option: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, not %(value)r.")
            % {"option": option, "value": raw}
        ) from exc


def _counted(rows: Iterable[dict[str, Any]], counter: list[int]) -> Iterator[dict[str, Any]]:
    for row in rows:
        counter[0] += 1
        yield row


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=selectors.EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})


def write_json(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    out.write("[")
    separator = "\n"
    for row in rows:
        out.write(separator + json.dumps(row, ensure_ascii=False))
        separator = ",\n"
    out.write("\n]\n")


class _Stdout:
    """The command's stdout as a plain text stream (OutputWrapper would add line endings)."""

    def __init__(self, command: BaseCommand) -> None:
        self._command = command

    def write(self, text: str) -> int:
        self._command.stdout.write(text, ending="")
        return len(text)


class Command(BaseCommand):
    help = (
        "Export the bookings starting within a date range (site calendar days, both included) "
        "as CSV or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="first", required=True, help=_("First day, YYYY-MM-DD."))
        parser.add_argument("--to", dest="last", required=True, help=_("Last day, YYYY-MM-DD."))
        parser.add_argument("--site", help=_("Only this site: its public id or its name."))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", help=_("Write to this file instead of stdout."))

    def handle(self, *args: Any, **options: Any) -> None:
        first = _day(options["first"], "--from")
        last = _day(options["last"], "--to")
        if last < first:
            raise CommandError(_("--to must not be before --from."))
        site_pk = None
        site_label = _("all sites")
        if options["site"]:
            site = scheduling.site_by_reference(options["site"])
            if site is None:
                raise CommandError(
                    _("No site has this id or name: %(site)s") % {"site": options["site"]}
                )
            site_pk, site_label = site.pk, site.name

        counter = [0]
        rows = _counted(
            selectors.bookings_for_export(first=first, last=last, site_pk=site_pk), counter
        )
        write = write_csv if options["format"] == "csv" else write_json
        output = options["output"]
        if output:
            self._write_file(Path(output), lambda out: write(rows, out))
            destination = output
            report = self.stdout
        else:
            write(rows, _Stdout(self))  # type: ignore[arg-type]
            destination = _("stdout")
            report = self.stderr  # stdout carries the data
        report.write(
            self.style.SUCCESS(
                _(
                    "Exported %(count)d booking(s) from %(first)s to %(last)s (%(site)s) "
                    "as %(format)s to %(destination)s."
                )
                % {
                    "count": counter[0],
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                    "site": site_label,
                    "format": options["format"].upper(),
                    "destination": destination,
                }
            )
        )

    def _write_file(self, path: Path, write: Any) -> None:
        directory = path.parent if str(path.parent) else Path(".")
        try:
            handle, temporary = tempfile.mkstemp(
                dir=directory, prefix=f".{path.name}.", suffix=".part"
            )
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                write(out)
            os.replace(temporary, path)
        except BaseException as exc:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
                ) from exc
            raise
