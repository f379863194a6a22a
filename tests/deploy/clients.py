"""Run in the stack's environment (its settings and database): a bookable site of its own with
`resources` bays open weekdays, a 60-minute service, and `count` customers with a vehicle each;
prints them as JSON with an access token each (for the drills' clients).

    python tests/deploy/clients.py TAG COUNT RESOURCES"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    tag, count, resources = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    import django

    django.setup()
    from datetime import UTC, datetime
    from decimal import Decimal

    from accounts import services as account_services
    from tests.accounts.factories import UserFactory
    from tests.bookings.factories import next_weekday
    from tests.pricing.factories import ServiceFactory
    from tests.scheduling.factories import ResourceFactory, SiteFactory
    from tests.vehicles.factories import VehicleFactory

    site = SiteFactory.create(name=f"Drill {tag}")
    for n in range(resources):
        ResourceFactory.create(site=site, name=f"Drill bay {n + 1}")
    service = ServiceFactory.create(
        code=f"drill-{tag}", name="Drill wash", base_price=Decimal("40.00")
    )
    clients = []
    for n in range(count):
        customer = UserFactory.create(email=f"drill-{tag}-{n}@example.com")
        vehicle = VehicleFactory.create(owner=customer)
        clients.append(
            {
                "token": account_services._pair_for(customer).access,
                "vehicle": str(vehicle.public_id),
            }
        )
    day = next_weekday(datetime.now(UTC), days_ahead=int(os.environ.get("DRILL_DAYS_AHEAD", "2")))
    print(  # noqa: T201 - the script's output, read by the test
        json.dumps(
            {
                "site": str(site.public_id),
                "service": service.code,
                "day": day.date().isoformat(),
                "clients": clients,
            }
        )
    )


if __name__ == "__main__":
    main()
