"""manage.py import_catalogue PATH [--dry-run] [--format csv|json]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pricing import services
from pricing.domain.catalogue_file import CatalogueInvalid

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = (
        "Imports services (with their category overrides), options and skills from a CSV or "
        "JSON file: all or nothing, every error with its line or record, idempotent. The format "
        "is described in docs/rules/pricing.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The catalogue file (.csv or .json).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, save nothing."
        )
        parser.add_argument(
            "--format", choices=FORMATS, help="The file's format (default: from its extension)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        fmt = options["format"] or path.suffix.lower().lstrip(".")
        if fmt not in FORMATS:
            raise CommandError(f"Cannot tell the format of {path}: use --format csv or json.")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            summary = services.catalogue_import(
                content=content, fmt=fmt, dry_run=options["dry_run"]
            )
        except CatalogueInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(f"{path}: {problem}")
            count = len(invalid.problems)
            raise CommandError(
                f"{count} error{'s' if count != 1 else ''} in {path}; nothing was imported."
            ) from invalid
        for line in summary.lines():
            self.stdout.write(line)
