"""The body of GET /api/v1/availability, built from validated query parameters: the function the
view calls (and bench/availability.py times as its headline), so that the figure is the API's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduling.selectors import availability, requirements


def requirements_of(params: dict[str, Any], user: Any) -> Any:
    return requirements.requirements_for(
        service_code=params["service"],
        option_codes=params["options"],
        category=params.get("category"),
        vehicle_id=params.get("vehicle"),
        user=user,
    )


def service_body(req: Any) -> dict[str, Any]:
    return {
        "code": req.code,
        "name": req.name,
        "duration_minutes": req.duration_minutes,
        "buffer_after_minutes": req.buffer_after_minutes,
    }


def site_body(policy: Any) -> dict[str, Any]:
    return {"id": str(policy.id), "name": policy.name, "timezone": policy.timezone}


def availability_body(params: dict[str, Any], user: Any, *, now: Any = None) -> dict[str, Any]:
    """The answer's body for validated parameters (AvailabilityQuerySerializer); whether the
    caller may see the resources is the view's check, done before."""
    show_resources = params["include_resources"]
    start = availability.parse_moment("from", params["from"])
    end = availability.parse_moment("to", params["to"])
    req = requirements_of(params, user)
    result = availability.site_availability(
        site_id=params["site"], requirements=req, start=start, end=end, now=now
    )
    # The end is `later(start, duration)`, built from the epoch second: one datetime per end
    # instead of two conversions and an addition (the output was a fifth of the answer's time).
    seconds = req.duration_minutes * 60
    stamp = datetime.fromtimestamp
    starts = [
        {
            "start": free.start.isoformat(),
            "end": stamp(free.start.timestamp() + seconds, free.start.tzinfo).isoformat(),
            "free_resources": len(free.resources),
            "resources": (
                [str(result.resources[pk].id) for pk in free.resources] if show_resources else None
            ),
        }
        for free in result.starts
    ]
    return {
        "site": site_body(result.policy),
        "service": service_body(req),
        "from": result.window.start.isoformat(),
        "to": result.window.end.isoformat(),
        "starts": starts,
        "special_days": [
            {
                "date": day.day.isoformat(),
                "kind": day.kind,
                "holiday": day.holiday,
                "reason": day.reason,
                "hours": [
                    {"opens": f"{i.opens:%H:%M}", "closes": f"{i.closes:%H:%M}"}
                    for i in day.intervals
                ],
            }
            for day in result.special_days
        ],
    }
