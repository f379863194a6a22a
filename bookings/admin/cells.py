"""An empty cell of the planning board explains itself (docs/rules/bookings.md, "Planning board:
explaining a cell"): for one resource, one start and the service (and vehicle category) chosen
on the board, "Book here" and "Why is this not free?", the reasons being the explain engine's
(scheduling.explain_resource_start: the same rules as availability), as an operator sees them:
closures with their reasons, the blocking bookings linked to their pages, buffers, the day's
hours, on the site's clock, with the nearest offered starts of that resource.

A plain admin page without JavaScript (the cell is a link); with `fragment=1` the same content
alone, which the board's script shows in a panel. Queries: the admin's session and permissions,
the site's resources (the cell's name), the service, the explanation's four, the blocking
bookings' pages (one, only when some block): none per booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.admin import permissions
from bookings.admin.planning import board_url
from bookings.admin.presentation import admin_url
from bookings.models import Booking
from core.errors import DomainError, Text
from scheduling import public as scheduling
from vehicles import public as vehicles

PAGE = "admin/bookings/booking/cell.html"
FRAGMENT = "admin/bookings/booking/cell_panel.html"


@dataclass(frozen=True)
class Blocker:
    reference: str
    url: str  # the booking's change page ("" when it is not found any more)
    times: str  # "10:00–11:00"
    buffer: str  # "clean-up buffer until 11:15", "" without one
    buffer_only: bool  # only the buffer (its own or the asked service's) meets the start


@dataclass(frozen=True)
class ShownReason:
    code: str
    message: str
    details: tuple[str, ...]
    bookings: tuple[Blocker, ...] = ()


def _moment(iso: str | None, day: date) -> str:
    """A time of the explanation (already on the site's clock): HH:MM on the cell's day, with
    the date on another."""
    if not iso:
        return "-"
    moment = datetime.fromisoformat(iso)
    return f"{moment:%H:%M}" if moment.date() == day else f"{moment:%Y-%m-%d %H:%M}"


def _details(reason: dict[str, Any], day: date) -> list[str]:
    lines: list[str] = []
    if reason.get("earliest"):
        lines.append(
            _("Earliest start allowed: %(when)s") % {"when": _moment(reason["earliest"], day)}
        )
    if reason.get("latest"):
        lines.append(_("Last start allowed: %(when)s") % {"when": _moment(reason["latest"], day)})
    if "previous" in reason:
        lines.append(
            _("Nearest start times of the grid: %(previous)s, %(next)s")
            % {"previous": _moment(reason["previous"], day), "next": _moment(reason["next"], day)}
        )
    if "hours" in reason:
        spans = ", ".join(
            f"{_moment(h['start'], day)}–{_moment(h['end'], day)}" for h in reason["hours"]
        )
        lines.append(
            _("Hours that day: %(hours)s") % {"hours": spans}
            if spans
            else _("Closed all day (no opening hours that day).")
        )
    if reason.get("skill"):
        lines.append(_("Skill needed: %(skill)s") % {"skill": reason["skill"]})
    for closure in reason.get("closures", ()):
        when = {"start": _moment(closure["start"], day), "end": _moment(closure["end"], day)}
        if closure.get("reason"):
            lines.append(
                _("Closed %(start)s–%(end)s: %(reason)s") % {**when, "reason": closure["reason"]}
            )
        else:
            lines.append(_("Closed %(start)s–%(end)s") % when)
    return lines


def _blockers(
    model_admin: ModelAdmin[Booking], reason: dict[str, Any], pks: dict[str, int], day: date
) -> tuple[Blocker, ...]:
    found = []
    for booking in reason.get("bookings", ()):
        pk = pks.get(booking["reference"])
        ends, until = booking["end"], booking["blocked_until"]
        found.append(
            Blocker(
                reference=booking["reference"],
                url=admin_url(model_admin, "change", pk) if pk is not None else "",
                times=f"{_moment(booking['start'], day)}–{_moment(ends, day)}",
                buffer=(
                    _("clean-up buffer until %(when)s") % {"when": _moment(until, day)}
                    if until != ends
                    else ""
                ),
                buffer_only=bool(booking["buffer_only"]),
            )
        )
    return tuple(found)


def shown_reasons(
    model_admin: ModelAdmin[Booking], reasons: list[dict[str, Any]], day: date
) -> list[ShownReason]:
    """The engine's reasons as the panel lists them, each blocking booking linked."""
    references = [b["reference"] for r in reasons for b in r.get("bookings", ())]
    pks = selectors.booking_pks_by_reference(references)
    shown = []
    for reason in reasons:
        message = reason["message"]
        shown.append(
            ShownReason(
                code=reason["code"],
                message=message.translated(_) if isinstance(message, Text) else str(message),
                details=tuple(_details(reason, day)),
                bookings=_blockers(model_admin, reason, pks, day),
            )
        )
    return shown


def _int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None  # "²" is a digit, not an int


def _start(raw: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((raw or "").strip().replace(" ", "+"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _nearest(moment: datetime | None, tz: ZoneInfo, day: date) -> str:
    return _moment(None if moment is None else moment.astimezone(tz).isoformat(), day)


def cell_url(model_admin: ModelAdmin[Booking], **query: Any) -> str:
    return f"{admin_url(model_admin, 'explain_cell')}?{urlencode(query)}"


def cell_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    if not permissions.may_explain(model_admin, request):
        raise PermissionDenied
    fragment = request.GET.get("fragment") == "1"
    site_pk, resource_pk = _int(request.GET.get("site")), _int(request.GET.get("resource"))
    start = _start(request.GET.get("start"))
    service = request.GET.get("service", "").strip()
    category = request.GET.get("category", "").strip() or vehicles.CATEGORIES[0]
    context: dict[str, Any] = {
        **({} if fragment else model_admin.admin_site.each_context(request)),
        "opts": model_admin.opts,
        "title": _("Why is this not free?"),
        "fragment": fragment,
    }
    template = FRAGMENT if fragment else PAGE
    # The site's active resources (the cell's name): a resource not among them is no cell.
    names = dict(scheduling.resource_choices(site_pk=site_pk)) if site_pk is not None else {}
    if site_pk is None or resource_pk not in names or start is None or not service:
        context["error"] = _(
            "Choose a cell of the planning board: a site, a resource, a start with its offset "
            "and a service."
        )
        return TemplateResponse(request, template, context, status=400)
    try:
        found = scheduling.explain_resource_start(
            site_pk=site_pk,
            resource_pk=resource_pk,
            service_code=service,
            category=category,
            start=start,
        )
    except DomainError as error:
        context["error"] = " ".join([error.translated(_), *error.detail_lines(_)])
        return TemplateResponse(request, template, context, status=400)
    explanation = found.explanation
    tz = ZoneInfo(found.policy.timezone)
    local = explanation.start.astimezone(tz)
    day = local.date()
    resource = found.resources.get(resource_pk)
    resource_name = resource.name if resource else names[resource_pk]
    reasons = scheduling.one_resource_reasons(explanation)
    context.update(
        {
            "title": _("%(resource)s, %(start)s")
            % {
                "resource": resource_name,
                "start": f"{local:%Y-%m-%d %H:%M %Z}",
            },
            "site": found.policy,
            "resource_name": resource_name,
            "service_name": found.requirements.name,
            "category": vehicles.category_label(category),
            "start_label": f"{local:%Y-%m-%d %H:%M}",
            "end_label": f"{explanation.end.astimezone(tz):%H:%M}",
            "timezone": found.policy.timezone,
            "free": explanation.offered,
            "reasons": shown_reasons(model_admin, reasons, day),
            "before": _nearest(explanation.before, tz, day),
            "after": _nearest(explanation.after, tz, day),
            "has_nearest": explanation.before is not None or explanation.after is not None,
            "book_query": urlencode(
                {
                    "site": site_pk,
                    "resource": resource_pk,
                    "start": local.isoformat(),
                    "service": service,
                    "category": category,
                }
            ),
            "board_url": board_url(model_admin, site_pk=site_pk, day=day),
        }
    )
    return TemplateResponse(request, template, context)
