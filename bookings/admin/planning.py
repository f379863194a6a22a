"""The planning board's page (SPEC §8 "Planning"): the site and day chosen, the site's day and
its bookings read, the layout left to bookings.admin.board, each block given its change page and
the quick actions the state machine and the user's role allow.

Queries: the sites with their hours (read once: the chosen site's day reuses them), the site's
day (resources, closures, date exceptions), the bookings, the services of the chooser; the rest is
the admin's session and the user's access (permissions and roles, one query). None of them
depends on the number of bookings, resources or sites."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from bookings import selectors
from bookings.admin import permissions, reschedule, transitions
from bookings.admin.board import SHOWN_STATES, lay_out
from bookings.admin.presentation import Button, admin_url, site_timezone
from bookings.models import Booking
from core.clock import resolve_now
from pricing import public as pricing
from scheduling import public as scheduling
from vehicles import public as vehicles

TEMPLATE = "admin/bookings/booking/planning.html"


def quick_actions(
    model_admin: ModelAdmin[Booking], request: HttpRequest, booking: Booking
) -> list[Button]:
    """The change page's buttons (what the state machine allows an operator now), reschedule
    included."""
    shown = transitions.buttons(model_admin, request, booking)
    button = reschedule.reschedule_button(model_admin, request, booking)
    return [*shown, button] if button else shown


def board_url(model_admin: ModelAdmin[Booking], *, site_pk: int, day: date) -> str:
    url = admin_url(model_admin, "planning")
    return f"{url}?{urlencode({'site': site_pk, 'day': day.isoformat()})}"


def book_url(
    model_admin: ModelAdmin[Booking], request: HttpRequest, *, site_pk: int, day: date
) -> str | None:
    """The booking desk for this site and day, for whoever may book there (None otherwise)."""
    if not permissions.may_book(model_admin, request):
        return None
    url = admin_url(model_admin, "book")
    return f"{url}?{urlencode({'site': site_pk, 'day': day.isoformat()})}"


def board_url_of(model_admin: ModelAdmin[Booking], booking: Booking) -> str:
    """The board of the booking's site and local day."""
    day = booking.start.astimezone(site_timezone(booking)).date()
    return board_url(model_admin, site_pk=booking.site_id, day=day)


def _chosen_site(
    request: HttpRequest, sites: list[scheduling.SitePolicy]
) -> scheduling.SitePolicy | None:
    raw = request.GET.get("site", "").strip()
    if raw:
        found = next((site for site in sites if str(site.pk) == raw), None)
        if found is not None:
            return found
        messages.error(request, _("No site has this id: showing the first site."))
    return sites[0] if sites else None


def _chosen(request: HttpRequest, name: str, codes: list[str]) -> str:
    """The service (or vehicle category) an empty cell is explained for: the one asked for, else
    the first."""
    raw = request.GET.get(name, "").strip()
    return raw if raw in codes else (codes[0] if codes else "")


def _chosen_day(request: HttpRequest, today: date) -> date:
    raw = request.GET.get("day", "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        messages.error(request, _("Enter a date as YYYY-MM-DD: showing today."))
        return today
    if not scheduling.FIRST_DAY <= day <= scheduling.LAST_DAY:
        messages.error(request, _("This date is out of range: showing today."))
        return today
    return day


def board_view(model_admin: ModelAdmin[Booking], request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    read = scheduling.board_sites()  # with their hours: the chosen one is not read again
    sites = [board_site.policy for board_site in read]
    site = _chosen_site(request, sites)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": _("Planning board"),
        "opts": model_admin.opts,
        "sites": sites,
        "site": site,
    }
    if site is None:
        return TemplateResponse(request, TEMPLATE, context)
    now = resolve_now(None)
    today = now.astimezone(ZoneInfo(site.timezone)).date()
    day = _chosen_day(request, today)
    site_day = scheduling.site_day(site_pk=site.pk, day=day, site=read[sites.index(site)])
    bookings = selectors.bookings_on_board(
        model_admin.get_queryset(request),
        site_pk=site.pk,
        start=site_day.start,
        end=site_day.end,
        states=SHOWN_STATES,
    )
    services = pricing.active_service_choices()
    service = _chosen(request, "service", [code for code, _name in services])
    category = _chosen(request, "category", list(vehicles.CATEGORIES))
    explains = permissions.may_explain(model_admin, request) and bool(service)

    def move_url(booking: Booking) -> str:
        if not reschedule.can_reschedule(model_admin, request, booking):
            return ""
        return admin_url(model_admin, "move", booking.pk)

    board = lay_out(
        site_day,
        bookings,
        now,
        link=lambda booking: admin_url(model_admin, "change", booking.pk),
        actions=lambda booking: quick_actions(model_admin, request, booking),
        move=move_url,
    )
    here = board_url(model_admin, site_pk=site.pk, day=day)
    chosen = {"service": service, "category": category}

    def on(other: date) -> str:
        """Another day's board, the same service and category chosen."""
        return f"{board_url(model_admin, site_pk=site.pk, day=other)}&{urlencode(chosen)}"

    context.update(
        {
            "title": _("Planning board: %(site)s, %(day)s")
            % {"site": site.name, "day": day.isoformat()},
            "day": day,
            "is_today": board.is_today,
            "timezone": board.timezone,
            "ticks": board.ticks,
            "rows": board.rows,
            "agenda": board.agenda,
            "now_left": board.now_left,
            "now_label": board.now_label,
            "closed_all_day": board.closed_all_day,
            "holiday": board.holiday,
            "exception": board.exception,
            "exception_reason": board.exception_reason,
            "site_closures": board.site_closures,
            "here": f"{here}&{urlencode(chosen)}",
            "services": services,
            "service": service,
            "categories": [(code, vehicles.category_label(code)) for code in vehicles.CATEGORIES],
            "category": category,
            # An empty cell's link: add `resource` and `start` (the template does, per cell).
            "cell_base": (
                f"{admin_url(model_admin, 'explain_cell')}?{urlencode({'site': site.pk, **chosen})}"
                if explains
                else ""
            ),
            "previous_url": on(day - timedelta(days=1)),
            "next_url": on(day + timedelta(days=1)),
            "today_url": on(today),
            "legend": board.legend,
            "book_url": book_url(model_admin, request, site_pk=site.pk, day=day),
        }
    )
    return TemplateResponse(request, TEMPLATE, context)
