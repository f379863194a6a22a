"""Schemathesis fuzzes every operation of /api/v1/schema in-process with every check it has, with
two fixed seeds, as a customer and as an operator: no input may produce a 500, every answer must
match the schema (status, content type, headers, body), input the schema allows is accepted and
input it forbids is refused.

The actors act on a small world (a site, a service, the customer's vehicle and pending booking):
in schema-valid cases, about half of the ids, codes and times name those objects instead of what
the fuzzer drew, so that the answers carry real data (a site's hours, a booking, free starts).
Each case runs in a savepoint rolled back afterwards, so every case meets the same world (a
cancelled booking or a deleted account does not leak into the next).

schemathesis' stateful checks (use_after_free, ensure_resource_availability,
object_level_authorization) are in the list too; they only find something in its stateful phase,
which follows links between operations and is not run here.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import Case
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.config import SchemathesisConfig

from accounts import public as accounts
from accounts import tokens as account_tokens
from accounts.models import User
from accounts.services import sessions as account_sessions
from bookings import services as booking_services
from config.wsgi import application
from tests.accounts.factories import PASSWORD
from tests.bookings.factories import World, at, make_world
from tests.cache import clear_test_cache
from vehicles.domain.rules import YEAR_MIN, year_max

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiSchema

pytestmark = pytest.mark.django_db


def _all_checks() -> list[CheckFunction]:
    """Every check schemathesis registers, none left out: a new one joins when schemathesis adds
    it. call_and_validate runs check functions; a class-based check would need schemathesis' own
    runner, so one showing up fails here rather than being dropped."""
    load_all_checks()
    checks: list[CheckFunction] = []
    for check in CHECKS.get_all():
        assert not isinstance(check, type), f"a class-based check to run: {check!r}"
        checks.append(check)
    return checks


ALL_CHECKS = _all_checks()
# Two fixed seeds. The coverage phase (boundaries, each constraint broken in turn, each required
# part missing) draws the same cases whatever the seed, so it runs with the first seed only; the
# fuzzing phase runs with both.
SEEDS = (20250607, 8117)
# Per operation, seed and actor, in the fuzzing phase (the coverage phase adds its own cases).
MAX_EXAMPLES = 15


def _schema(seed: int, *, coverage: bool) -> OpenApiSchema:
    # Generating the schema touches no database, so it can be loaded when the module is collected.
    config = SchemathesisConfig.from_dict(
        {
            "seed": seed,
            "phases": {"coverage": {"enabled": coverage}},
            # Each case carries a real token (below): drawing or dropping the Authorization
            # header would only be overridden by it. ignored_auth still tries without it.
            "generation": {"with-security-parameters": False},
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/schema?format=json", application, config=config)


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """The WSGI handler closes "old" connections at each request's start and end, which would
    close the test's open transaction on PostgreSQL; Django's own test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass(frozen=True)
class Scene:
    world: World
    actor: User
    token: str
    booking_id: str
    session_id: str

    def real_values(self) -> dict[str, Any]:
        """What a schema-valid case may name instead of what the fuzzer drew, by input name."""
        site, day = self.world.site, self.world.day
        # The scene's site has both (below).
        assert site.latitude is not None
        assert site.longitude is not None
        return {
            "booking_id": self.booking_id,
            "session_id": self.session_id,
            "vehicle_id": str(self.world.vehicle.public_id),
            "vehicle": str(self.world.vehicle.public_id),
            "site_id": str(site.public_id),
            "site": str(site.public_id),
            "resource": str(self.world.resources[0].public_id),
            "customer": str(self.world.customer.public_id),
            "code": self.world.service.code,
            "service": self.world.service.code,
            "start": at(day, 11).isoformat(),
            "from": day.date().isoformat(),
            "to": day.date().isoformat(),
            "lat": float(site.latitude),
            "lon": float(site.longitude),
        }


@pytest.fixture(params=["customer", "operator"])
def scene(request: pytest.FixtureRequest) -> Scene:
    world = make_world(latitude="48.8566", longitude="2.3522")
    booking = booking_services.booking_create(
        actor=world.customer,
        request=booking_services.BookingRequest(
            vehicle_id=world.vehicle.public_id,
            service_code=world.service.code,
            site_id=world.site.public_id,
            start=at(world.day, 10),
        ),
    )
    actor = world.customer if request.param == "customer" else world.operator
    pair = account_sessions.session_start(user=actor)
    assert accounts.is_operator(actor) is (request.param == "operator")
    return Scene(
        world=world,
        actor=actor,
        token=pair.access,
        booking_id=str(booking.public_id),
        session_id=str(RefreshToken(pair.refresh)["sid"]),  # type: ignore[arg-type]
    )


def _heads(name: str, value: Any) -> bool:
    """A fair, repeatable coin per drawn value (hash() is salted per process)."""
    return zlib.crc32(f"{name}={value!r}".encode()) % 2 == 0


def _name_real_objects(case: Case[Any], scene: Scene) -> None:
    real = scene.real_values()
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name in list(container):
            if name in real and _heads(name, container[name]):
                container[name] = real[name]


# Rules that an OpenAPI 3.0 schema cannot state; the schema's descriptions say them in words. A
# schema-valid case is brought within them, so that a refusal of anything else still fails.
STRONG_PASSWORD = "Kettle-Orbit-9472!"


def _within_rules_the_schema_cannot_state(case: Case[Any], scene: Scene) -> None:
    operation = f"{case.method.upper()} {case.path}"
    body = case.body if isinstance(case.body, dict) else None
    query = case.query if isinstance(case.query, dict) else None
    if body is not None and operation == "POST /api/v1/auth/register" and "password" in body:
        body["password"] = STRONG_PASSWORD  # Django's strength rules: common, similar, numeric
    if body is not None and operation == "POST /api/v1/auth/password-reset/confirm":
        body["token"] = account_tokens.password_reset_token(scene.actor)  # only e-mailed
        body["new_password"] = STRONG_PASSWORD
    if body is not None and operation == "POST /api/v1/auth/verify-email":
        body["token"] = account_tokens.email_verification_token(scene.actor)  # only e-mailed
    if body is not None and operation == "POST /api/v1/me/email":
        body["password"] = PASSWORD  # only the account knows it
        if str(body.get("new_email", "")).strip().lower() == scene.actor.email:
            body["new_email"] = "another." + scene.actor.email  # a change, not the same address
    if body is not None and operation == "POST /api/v1/me/password":
        body["old_password"] = PASSWORD  # only the account knows it
        body["new_password"] = STRONG_PASSWORD
    if operation == "POST /api/v1/bookings/{booking_id}/cancel" and accounts.is_operator(
        scene.actor
    ):
        # A reason is required of operators, optional for customers: one schema serves both.
        if body is None:
            case.body, case.media_type = {}, "application/json"
            body = case.body
        if not str(body.get("reason", "")).strip():
            body["reason"] = "The customer called to cancel."
    if body is not None and "year" in body and isinstance(body["year"], int):
        # The upper bound moves with today's date.
        latest = year_max(datetime.now(UTC))
        body["year"] = min(max(body["year"], YEAR_MIN), latest)
    if query is not None and operation in {
        "GET /api/v1/availability",
        "GET /api/v1/availability/explain",
        "GET /api/v1/availability/suggest",
    }:
        # Exactly one of vehicle and category: OpenAPI has no rule across parameters.
        if "vehicle" in query:
            query.pop("category", None)
        elif "category" not in query:
            query["category"] = scene.world.vehicle.category
    if query is not None and operation == "GET /api/v1/availability":
        # `to` not before `from`, at most 31 days later: across parameters too.
        query["to"] = _a_day_on_or_after(query["from"])


def _a_day_on_or_after(moment: str) -> str:
    """A date whose whole (site-local) day ends after `moment` and lies within the window."""
    day = date.fromisoformat(moment[:10])
    if day.year == 2999:
        return day.isoformat()
    return (day + timedelta(days=1)).isoformat()


def _fuzz(schema: OpenApiSchema) -> Callable[..., None]:
    # schemathesis types its decorator as a bare Callable: named here with the test's type.
    parametrize: Callable[[Callable[..., None]], Callable[..., None]] = schema.parametrize()

    @parametrize
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def test(case: Case[Any], scene: Scene) -> None:
        if case.meta is not None and case.meta.generation.mode.is_positive:
            _name_real_objects(case, scene)
            _within_rules_the_schema_cannot_state(case, scene)
        clear_test_cache()  # throttle counters: the fuzzer would otherwise only see 429s
        with transaction.atomic():
            case.call_and_validate(
                headers={"Authorization": f"Bearer {scene.token}"}, checks=ALL_CHECKS
            )
            transaction.set_rollback(True)

    return test


test_api_fuzz_first_seed = _fuzz(_schema(SEEDS[0], coverage=True))
test_api_fuzz_second_seed = _fuzz(_schema(SEEDS[1], coverage=False))
