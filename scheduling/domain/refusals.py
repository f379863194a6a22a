"""An explanation as the reader sees it: plain JSON-ready values, for an operator (resources,
closure reasons, blocking bookings) or for anyone else (the reasons, without other customers'
data), and the refusal a booking or a reschedule raises (409 with the first reason's code)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from core.errors import Conflict, Text, gettext_noop
from scheduling.domain.explain import Explanation, Finding, Reason
from scheduling.domain.values import ResourceInfo

MESSAGES: Mapping[Reason, str] = {
    Reason.ENERGY_NOT_SUPPORTED: gettext_noop("This service is not done on this vehicle's energy."),
    Reason.NO_RESOURCE_WITH_SKILL: gettext_noop(
        "No resource of this site can do this service (the skill it needs)."
    ),
    Reason.TOO_SOON: gettext_noop("This start is too soon: the site needs more notice."),
    Reason.BEYOND_HORIZON: gettext_noop(
        "This start is too far ahead: the site does not take bookings that far."
    ),
    Reason.OUTSIDE_OPENING_HOURS: gettext_noop(
        "The service would not fit in the site's opening hours that day."
    ),
    Reason.NOT_ON_GRID: gettext_noop("This start is not one of the site's start times."),
    Reason.SITE_CLOSED: gettext_noop("The site is closed at that time."),
    Reason.NOT_IN_RESOURCE_HOURS: gettext_noop("Outside the resource's working hours."),
    Reason.RESOURCE_CLOSED: gettext_noop("The resource is closed at that time."),
    Reason.TAKEN: gettext_noop("Every resource that can do it is booked at that time."),
}
# Per resource, "taken" is about that resource only.
RESOURCE_TAKEN = gettext_noop("Booked at that time (a booking or its clean-up buffer).")
# A start asked of one resource (the planning board's cell, a move to a chosen resource): the
# reasons that speak of "every resource" speak of that one.
ONE_RESOURCE_MESSAGES: Mapping[Reason, str] = {
    Reason.NO_RESOURCE_WITH_SKILL: gettext_noop(
        "This resource cannot do this service (inactive, or without the skill it needs)."
    ),
    Reason.TAKEN: RESOURCE_TAKEN,
}


def _message(reason: Reason, one_resource: bool) -> str:
    return (ONE_RESOURCE_MESSAGES if one_resource else {}).get(reason) or MESSAGES[reason]


def _iso(moment: datetime | None, tz: tzinfo | None = None) -> str | None:
    """On the site's clock (`tz`) when given: closures and bookings are read in UTC."""
    if moment is None:
        return None
    return (moment if tz is None else moment.astimezone(tz)).isoformat()


def finding_details(
    finding: Finding, *, operator: bool, tz: tzinfo | None = None
) -> dict[str, Any]:
    """What a finding says besides its code; closure reasons and bookings for operators only."""
    reason = finding.reason
    if reason is Reason.TOO_SOON:
        return {"earliest": _iso(finding.earliest)}
    if reason is Reason.BEYOND_HORIZON:
        return {"latest": _iso(finding.latest)}
    if reason is Reason.NOT_ON_GRID:
        return {"previous": _iso(finding.grid[0]), "next": _iso(finding.grid[1])}
    if reason in (Reason.OUTSIDE_OPENING_HOURS, Reason.NOT_IN_RESOURCE_HOURS):
        return {
            "day": None if finding.day is None else finding.day.isoformat(),
            "hours": [{"start": _iso(a), "end": _iso(b)} for a, b in finding.hours],
        }
    if reason is Reason.NO_RESOURCE_WITH_SKILL:
        return {"skill": finding.skill}
    if reason in (Reason.SITE_CLOSED, Reason.RESOURCE_CLOSED):
        if not operator and reason is Reason.RESOURCE_CLOSED:
            return {}
        return {
            "closures": [
                {"start": _iso(c.start, tz), "end": _iso(c.end, tz)}
                | ({"reason": c.reason} if operator else {})
                for c in finding.closures
            ]
        }
    if reason is Reason.TAKEN and operator:
        return {
            "bookings": [
                {
                    "reference": b.booking.reference,
                    "start": _iso(b.booking.start, tz),
                    "end": _iso(b.booking.end, tz),
                    "blocked_until": _iso(b.booking.blocked_until, tz),
                    "buffer_only": b.buffer_only,
                }
                for b in finding.blocking
            ]
        }
    return {}


def _finding(
    finding: Finding, *, operator: bool, of_resource: bool = False, tz: tzinfo | None = None
) -> dict[str, Any]:
    return {
        "code": finding.reason.value,
        "message": Text(_message(finding.reason, of_resource)),
        **finding_details(finding, operator=operator, tz=tz),
    }


def reasons(
    explanation: Explanation, *, operator: bool, one_resource: bool = False
) -> list[dict[str, Any]]:
    """Why the start is not offered, each reason once (none when it is offered). Customers get
    the resources' reasons as codes and messages only: no resource, no booking, no reason given
    for a resource's closure. `one_resource`: the start was asked of one resource (its messages
    speak of it, not of every resource)."""
    if explanation.offered:
        return []
    tz = explanation.start.tzinfo
    listed = [
        _finding(f, operator=operator, of_resource=one_resource, tz=tz)
        for f in explanation.findings
    ]
    seen = {f.reason for f in explanation.findings}
    for reason in explanation.reasons():
        if reason in seen:
            continue
        # A resource's reason, once: its details are under `resources` (operators only).
        listed.append({"code": reason.value, "message": Text(_message(reason, one_resource))})
    return listed


def resources(explanation: Explanation, infos: Mapping[int, ResourceInfo]) -> list[dict[str, Any]]:
    """Operators only: each compatible resource, free or not, with every reason of its own (its
    closures and bookings on the site's clock)."""
    tz = explanation.start.tzinfo
    return [
        {
            "id": str(infos[verdict.key].id),
            "name": infos[verdict.key].name,
            "free": verdict.free and not explanation.findings,
            "reasons": [
                _finding(f, operator=True, of_resource=True, tz=tz) for f in verdict.findings
            ],
        }
        for verdict in explanation.resources
    ]


def one_resource_reasons(explanation: Explanation) -> list[dict[str, Any]]:
    """Operators only: every reason the start is not free on the one resource it was asked of
    (the start's own rules, then the resource's: hours, closures with their reasons, the
    blocking bookings), on the site's clock; empty when it is free."""
    tz = explanation.start.tzinfo
    listed = [_finding(f, operator=True, of_resource=True, tz=tz) for f in explanation.findings]
    for verdict in explanation.resources:
        listed += [_finding(f, operator=True, of_resource=True, tz=tz) for f in verdict.findings]
    return listed


class StartRefused(Conflict):
    """A start that is not offered (409), with the first reason's code (REFUSAL_ORDER) and every
    reason in `details.reasons`; the first reason's own details are also at the top level
    (`details.earliest` for too_soon, ...). Its code is always that reason (a Reason member);
    `slot_unavailable` is bookings' code of a start lost to a concurrent booking."""

    def __init__(
        self,
        explanation: Explanation | None,
        *,
        operator: bool,
        infos: Mapping[int, ResourceInfo] | None = None,
        findings: tuple[Finding, ...] = (),
        one_resource: bool = False,
    ) -> None:
        listed = (
            reasons(explanation, operator=operator, one_resource=one_resource)
            if explanation is not None
            else []
        )
        listed += [_finding(f, operator=operator) for f in findings]
        first = listed[0]
        details: dict[str, Any] = {k: v for k, v in first.items() if k not in ("code", "message")}
        details["reasons"] = listed
        if explanation is not None:
            details["start"] = explanation.start.isoformat()
            details["nearest"] = {
                "before": _iso(explanation.before),
                "after": _iso(explanation.after),
            }
            if operator and infos is not None:
                details["resources"] = resources(explanation, infos)
        super().__init__(str.__str__(first["message"]), code=Reason(first["code"]), details=details)
        self.template = first["message"].template
        self.text = first["message"]

    def detail_lines(self, translate: Callable[[str], str]) -> list[str]:
        """The other reasons, each resource's (operators), and the nearest offered starts."""
        lines = [reason_line(r, translate) for r in self.details["reasons"][1:]]
        for resource in self.details.get("resources", ()):
            for reason in resource["reasons"]:
                lines.append(f"{resource['name']}: {reason_line(reason, translate)}")
        nearest = self.details.get("nearest")
        if nearest and (nearest["before"] or nearest["after"]):
            lines.append(
                translate(NEAREST)
                % {"before": _hhmm(nearest["before"]), "after": _hhmm(nearest["after"])}
            )
        return lines


NEAREST = gettext_noop("Nearest offered starts: %(before)s, %(after)s.")
BUFFER_OF = gettext_noop("buffer of")


def _hhmm(iso: str | None) -> str:
    """`2026-06-01T10:15:00+02:00` as `2026-06-01 10:15 (+02:00)`; `-` when none."""
    if iso is None:
        return "-"
    return f"{iso[:10]} {iso[11:16]} ({iso[-6:]})"


def reason_line(reason: Mapping[str, Any], translate: Callable[[str], str]) -> str:
    """A reason's message, then its details in a few words (the admin, the command)."""
    message = reason["message"]
    text = message.translated(translate) if isinstance(message, Text) else str(message)
    extra = []
    for key in ("earliest", "latest", "previous", "next"):
        if reason.get(key):
            extra.append(f"{key} {_hhmm(reason[key])}")
    if reason.get("skill"):
        extra.append(f"skill {reason['skill']}")
    if "hours" in reason:
        spans = ", ".join(f"{h['start'][11:16]}-{h['end'][11:16]}" for h in reason["hours"])
        extra.append(f"{reason['day']}: {spans or '-'}")
    for closure in reason.get("closures", ()):
        why = f" {closure['reason']}" if closure.get("reason") else ""
        extra.append(f"{_hhmm(closure['start'])} - {_hhmm(closure['end'])}{why}")
    for booking in reason.get("bookings", ()):
        what = translate(BUFFER_OF) + " " if booking["buffer_only"] else ""
        held = f"{_hhmm(booking['start'])} - {booking['blocked_until'][11:16]}"
        extra.append(f"{what}{booking['reference']} {held}")
    return "; ".join([text, *extra])
