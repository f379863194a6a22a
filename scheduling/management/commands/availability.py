"""Free start times of a site for a service, as a terminal table on the site's clock."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from scheduling.selectors import availability, requirements, sites

MAX_DAYS = 31


def _details(error: DomainError) -> str:
    parts = [f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.details.items()]
    return f"{error.message} {'; '.join(parts)}".strip()


class Command(BaseCommand):
    help = "Free start times of a site for a service, with how many resources could take each."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="Site public id or name.")
        parser.add_argument("--service", required=True, help="Service code.")
        parser.add_argument("--category", required=True, help="Vehicle category.")
        parser.add_argument("--date", required=True, help="First day, YYYY-MM-DD (site clock).")
        parser.add_argument("--days", type=int, default=1, help=f"Number of days (1-{MAX_DAYS}).")
        parser.add_argument("--options", default="", help="Option codes, comma-separated.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            first = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(_("--date must be YYYY-MM-DD.")) from exc
        days = options["days"]
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(_("--days must be between 1 and %(max)d.") % {"max": MAX_DAYS})
        policy = sites.site_by_reference(options["site"])
        if policy is None:
            raise CommandError(_("No site has this id or name: %(site)s") % options)
        codes = [code.strip() for code in options["options"].split(",") if code.strip()]
        try:
            req = requirements.requirements_for(
                service_code=options["service"],
                option_codes=codes,
                category=options["category"],
            )
            result = availability.site_availability(
                site_id=policy.id,
                requirements=req,
                start=first,
                end=first + timedelta(days=days - 1),
            )
        except DomainError as error:
            raise CommandError(_details(error)) from error

        self.stdout.write(
            f"{policy.name} ({policy.timezone}) - {req.name}: {req.duration_minutes} min"
            f" + {req.buffer_after_minutes} min buffer"
        )
        header = f"{'date':<10}  {'start':<5}  {'offset':<6}  {'free':>4}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for free in result.starts:
            offset = free.start.strftime("%z")
            self.stdout.write(
                f"{free.start:%Y-%m-%d}  {free.start:%H:%M}  {offset[:3]}:{offset[3:]}  "
                f"{len(free.resources):>4}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)d free start(s) over %(days)d day(s).")
                % {"count": len(result.starts), "days": days}
            )
        )
