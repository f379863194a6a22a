"""{% bookings_dashboard %}: the operators' dashboard on the admin index
(templates/admin/index.html); nothing for anyone else."""

from __future__ import annotations

from typing import Any

from django import template

from bookings.admin import dashboard, permissions
from core.clock import resolve_now

register = template.Library()


@register.inclusion_tag("admin/bookings/dashboard.html", takes_context=True)
def bookings_dashboard(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not permissions.may_see_dashboard(user):
        return {"dashboard": None}
    return {"dashboard": dashboard.build(now=resolve_now(None))}
