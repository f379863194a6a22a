"""Free start times of a site for a service, as a terminal table on the site's clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.errors import DomainError
from scheduling.domain import refusals
from scheduling.domain.explain import RESOURCE_REASONS
from scheduling.selectors import availability, requirements, sites
from scheduling.selectors import explain as explain_selectors

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
        parser.add_argument("--date", help="First day, YYYY-MM-DD (site clock).")
        parser.add_argument("--days", type=int, default=1, help=f"Number of days (1-{MAX_DAYS}).")
        parser.add_argument("--options", default="", help="Option codes, comma-separated.")
        parser.add_argument(
            "--explain",
            metavar="START",
            help="Explain one start instead (ISO 8601 with its offset): every rule that rules "
            "it out, per resource, with the blocking bookings and the nearest offered starts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["explain"]:
            self._explain(options)
            return
        if not options["date"]:
            raise CommandError(_("Give --date (or --explain START)."))
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

    def _explain(self, options: dict[str, Any]) -> None:
        """The operator's view of one start (staff run commands), as the API gives it."""
        policy = sites.site_by_reference(options["site"])
        if policy is None:
            raise CommandError(_("No site has this id or name: %(site)s") % options)
        codes = [code.strip() for code in options["options"].split(",") if code.strip()]
        try:
            start = availability.parse_moment("start", options["explain"])
            if not isinstance(start, datetime):
                raise CommandError(_("--explain takes a date and time with its UTC offset."))
            req = requirements.requirements_for(
                service_code=options["service"], option_codes=codes, category=options["category"]
            )
            found = explain_selectors.explain_site_start(
                site_id=policy.id, requirements=req, start=start
            )
        except DomainError as error:
            raise CommandError(_details(error)) from error
        explanation = found.explanation
        self.stdout.write(
            f"{policy.name} ({policy.timezone}) - {req.name}: {req.duration_minutes} min"
            f" + {req.buffer_after_minutes} min buffer"
        )
        self.stdout.write(f"{explanation.start.isoformat()}: ", ending="")
        if explanation.offered:
            self.stdout.write(self.style.SUCCESS(_("offered")))
        else:
            self.stdout.write(self.style.ERROR(_("not offered")))
        for reason in refusals.reasons(explanation, operator=True):
            if reason["code"] in RESOURCE_CODES:
                continue  # listed under each resource below
            self.stdout.write(f"  {reason['code']}: {refusals.reason_line(reason, _)}")
        for resource in refusals.resources(explanation, found.resources):
            state = _("free") if resource["free"] else _("not free")
            self.stdout.write(f"  {resource['name']}: {state}")
            for reason in resource["reasons"]:
                self.stdout.write(f"    {reason['code']}: {refusals.reason_line(reason, _)}")
        self.stdout.write(
            _("Nearest offered: before %(before)s, after %(after)s")
            % {
                "before": _when(explanation.before),
                "after": _when(explanation.after),
            }
        )


RESOURCE_CODES = {reason.value for reason in RESOURCE_REASONS}


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.isoformat()
