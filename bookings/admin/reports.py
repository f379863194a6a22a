"""Reports in the back-office (docs/rules/bookings.md, "Reports"): for one site or all, over a
period of local days, revenue from the price snapshots with their tax, bookings by state,
utilisation per resource, no-show and late-cancellation rates, fees, average ratings per service
and resource, and the busiest hours as a heat map. Charts are inline SVG drawn here (no CDN);
each report downloads as CSV. Operators only.

Queries: the user's access (permissions and roles, one query), the sites (their clocks are the
bookings'), the bookings' rows, the open time (sites with their resources, closures, date
exceptions: 3), whatever the length of the period or the number of bookings."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.admin.permissions import is_operator
from bookings.domain.reports import OpenTime, Report, build_report, busiest_hours
from bookings.domain.states import State
from bookings.models import Booking
from core.charts import Bar, bar_chart, heat_map
from core.clock import resolve_now
from scheduling import public as scheduling

MAX_DAYS = 366
DEFAULT_DAYS = 30
REPORTS = ("revenue", "states", "utilisation", "rates", "fees", "ratings", "hours")
WEEKDAY_KEYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Period:
    site: scheduling.SitePolicy | None
    first: date
    last: date


def _day(request: HttpRequest, name: str, default: date) -> date:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Enter dates as YYYY-MM-DD."))
        return default


def chosen_period(request: HttpRequest, sites: list[scheduling.SitePolicy]) -> Period:
    today = resolve_now(None).date()
    last = _day(request, "to", today)
    first = _day(request, "from", last - timedelta(days=DEFAULT_DAYS - 1))
    if first > last:
        messages.error(request, _("The period must end after it starts."))
        first, last = last, first
    if (last - first).days + 1 > MAX_DAYS:
        messages.error(request, _("A report covers at most %(days)d days.") % {"days": MAX_DAYS})
        first = last - timedelta(days=MAX_DAYS - 1)
    raw = request.GET.get("site", "").strip()
    site = next((s for s in sites if str(s.pk) == raw), None)
    return Period(site=site, first=first, last=last)


def report_for(period: Period, sites: list[scheduling.SitePolicy]) -> Report:
    """The report of the period; `sites`: every site (their clocks are those of the bookings, so
    the bookings' timezones are not read)."""
    site_pk = None if period.site is None else period.site.pk
    timezones = {site.timezone for site in sites if site_pk in (None, site.pk)}
    rows = selectors.report_rows(
        first=period.first, last=period.last, site_pk=site_pk, timezones=timezones
    )
    openings = [
        OpenTime(o.resource_pk, o.site_name, o.resource_name, o.open_minutes)
        for o in scheduling.period_openings(first=period.first, last=period.last, site_pk=site_pk)
    ]
    return build_report(rows, openings, late_notice=selectors.late_cancellation_notice())


def _money(amount: Decimal, currency: str) -> str:
    return f"{number_format(amount, 2, force_grouping=True)} {currency}".strip()


def _percent(value: Decimal | int | None) -> str:
    return "–" if value is None else f"{number_format(value)} %"


def _weekday_labels() -> list[str]:
    return [_(key) for key in WEEKDAY_KEYS]


def tables(report: Report) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Every report as (header, rows): what the page shows and the CSV holds."""
    state_label = {s.value: str(Booking.StateChoices(s.value).label) for s in State}
    first_hour, end_hour = busiest_hours(report.heat)
    weekdays = _weekday_labels()
    return {
        "revenue": (
            [_("completed bookings"), _("total"), _("tax"), _("net"), _("currency")],
            [
                [
                    report.by_state.get(State.COMPLETED, 0),
                    report.revenue.total,
                    report.revenue.tax,
                    report.revenue.net,
                    report.currency,
                ]
            ],
        ),
        "states": (
            [_("state"), _("bookings")],
            [[state_label[state], count] for state, count in report.by_state.items()],
        ),
        "utilisation": (
            [_("site"), _("resource"), _("booked minutes"), _("open minutes"), _("utilisation %")],
            [
                [line.site, line.resource, line.booked_minutes, line.open_minutes, line.percent]
                for line in report.utilisation
            ],
        ),
        "rates": (
            [_("rate"), _("count"), _("out of"), _("percent")],
            [
                [_("no-show"), report.no_show.count, report.no_show.out_of, report.no_show.percent],
                [
                    _("late cancellation"),
                    report.late_cancellation.count,
                    report.late_cancellation.out_of,
                    report.late_cancellation.percent,
                ],
            ],
        ),
        "fees": (
            [_("fees charged"), _("total"), _("fees waived or reduced"), _("currency")],
            [[report.fees_count, report.fees, report.fees_waived, report.currency]],
        ),
        "ratings": (
            [_("by"), _("name"), _("ratings"), _("average")],
            [
                *([_("service"), r.name, r.count, r.average] for r in report.ratings_by_service),
                *([_("resource"), r.name, r.count, r.average] for r in report.ratings_by_resource),
            ],
        ),
        "hours": (
            [_("weekday"), *(f"{hour:02d}:00" for hour in range(first_hour, end_hour))],
            [[weekdays[index], *day[first_hour:end_hour]] for index, day in enumerate(report.heat)],
        ),
    }


def charts(report: Report) -> dict[str, Any]:
    state_label = {s.value: str(Booking.StateChoices(s.value).label) for s in State}
    first_hour, end_hour = busiest_hours(report.heat)
    return {
        "states": bar_chart(
            [Bar(state_label[s], n, str(n)) for s, n in report.by_state.items()],
            title=_("Bookings by state"),
        ),
        "utilisation": bar_chart(
            [
                Bar(f"{line.resource} ({line.site})", line.percent or 0, _percent(line.percent))
                for line in report.utilisation
            ],
            title=_("Utilisation per resource"),
        ),
        "ratings": bar_chart(
            [
                Bar(r.name, float(r.average), number_format(r.average, 1))
                for r in [*report.ratings_by_service, *report.ratings_by_resource]
            ],
            title=_("Average rating"),
        ),
        "hours": heat_map(
            [day[first_hour:end_hour] for day in report.heat],
            row_labels=_weekday_labels(),
            column_labels=[f"{hour:02d}" for hour in range(first_hour, end_hour)],
            title=_("Busiest hours"),
        ),
    }


def _csv(name: str, period: Period, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    scope = "all-sites" if period.site is None else f"site-{period.site.pk}"
    filename = f"report-{name}-{scope}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    return response


def reports_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request) or not is_operator(request):
        raise PermissionDenied
    sites = scheduling.site_policies()
    period = chosen_period(request, sites)
    report = report_for(period, sites)
    shown = tables(report)
    export = request.GET.get("export", "")
    if export in shown:
        header, rows = shown[export]
        return _csv(export, period, header, rows)
    query = {
        "site": "" if period.site is None else period.site.pk,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
    }
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Reports"),
        "opts": model_admin.opts,
        "sites": sites,
        "period": period,
        "report": report,
        "revenue_total": _money(report.revenue.total, report.currency),
        "revenue_tax": _money(report.revenue.tax, report.currency),
        "revenue_net": _money(report.revenue.net, report.currency),
        "fees_total": _money(report.fees, report.currency),
        "no_show_percent": _percent(report.no_show.percent),
        "late_percent": _percent(report.late_cancellation.percent),
        "tables": shown,
        "charts": charts(report),
        "exports": {name: "?" + urlencode({**query, "export": name}) for name in REPORTS},
    }
    return TemplateResponse(request, "admin/bookings/booking/reports.html", context)
