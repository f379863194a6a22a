"""Staff manage webhook endpoints (docs/rules/events.md):

    manage.py webhooks add --url URL --events booking.created,booking.cancelled [--description D]
    manage.py webhooks list
    manage.py webhooks rotate-secret ID
    manage.py webhooks disable ID
    manage.py webhooks enable ID

`add` and `rotate-secret` print the secret once (`whsec_…`): it is not shown again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.dispatch import public_event_types
from core.errors import DomainError
from core.webhooks import endpoints
from core.webhooks.signing import masked


def _refusal(error: DomainError) -> CommandError:
    details = "; ".join(
        f"{field}: {' '.join(str(m) for m in messages)}"
        for field, messages in error.details.items()
    )
    return CommandError(f"{error.message} {details}".strip())


class Command(BaseCommand):
    help = "Add, list, rotate the secret of, disable or enable webhook endpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="Add an endpoint; prints its id and secret.")
        add.add_argument("--url", required=True)
        add.add_argument(
            "--events",
            required=True,
            help="Comma-separated event types, or * for all: " + ", ".join(public_event_types()),
        )
        add.add_argument("--description", default="")
        commands.add_parser("list", help="List the endpoints.")
        for name, what in (
            ("rotate-secret", "Make a new secret (the old one signs for 24 h more)."),
            ("disable", "Stop delivering to an endpoint."),
            ("enable", "Deliver to a disabled endpoint again."),
        ):
            sub = commands.add_parser(name, help=what)
            sub.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                made = endpoints.webhook_endpoint_add(
                    url=options["url"],
                    event_types=options["events"].split(","),
                    description=options["description"],
                    actor="manage.py",
                )
                self.stdout.write(f"id: {made.endpoint_id}")
                self.stdout.write(f"secret: {made.secret}")
                self.stdout.write("Keep the secret now: it is not shown again.")
            elif action == "list":
                self._list()
            elif action == "rotate-secret":
                rotated = endpoints.webhook_secret_rotate(
                    endpoint_id=options["id"], actor="manage.py"
                )
                self.stdout.write(f"id: {rotated.endpoint_id}")
                self.stdout.write(f"secret: {rotated.secret}")
                self.stdout.write("The previous secret also signs for 24 h; keep this one now.")
            else:
                active = action == "enable"
                changed = endpoints.webhook_endpoint_set_active(
                    endpoint_id=options["id"], active=active, actor="manage.py"
                )
                state = "enabled" if active else "disabled"
                self.stdout.write(
                    f"Endpoint {options['id']} {state}."
                    if changed
                    else f"Endpoint {options['id']} was already {state}."
                )
        except DomainError as error:
            raise _refusal(error) from error

    def _list(self) -> None:
        rows = list(endpoints.webhook_endpoints())
        if not rows:
            self.stdout.write("No webhook endpoint.")
            return
        for endpoint in rows:
            state = "active" if endpoint.active else f"disabled ({endpoint.disabled_reason})"
            self.stdout.write(
                f"{endpoint.pk}\t{endpoint.url}\t{','.join(endpoint.event_types)}\t{state}"
                f"\t{masked(endpoint.secret)}"
            )
