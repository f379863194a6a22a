"""The schema check every API test runs (tests/response_contract.py) catches a drifted answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.response_contract import ContractBroken, check
from tests.scheduling.factories import SiteFactory

pytestmark = pytest.mark.django_db


def _site_answer(api_client: APIClient) -> Any:
    site = SiteFactory.create()
    response = api_client.get(f"/api/v1/sites/{site.public_id}")
    assert response.status_code == 200, response.content
    return response


def _with_body(response: Any, body: Any) -> Any:
    response.content = json.dumps(body).encode()
    return response


def test_an_answer_as_the_schema_says_passes(api_client: APIClient) -> None:
    check(_site_answer(api_client))  # the fixture already checked it; again, explicitly


def test_a_field_the_schema_does_not_name_is_caught(api_client: APIClient) -> None:
    response = _site_answer(api_client)
    body = {**response.json(), "secret_margin": "12.00"}
    with pytest.raises(ContractBroken, match="secret_margin"):
        check(_with_body(response, body))


def test_a_missing_field_is_caught(api_client: APIClient) -> None:
    response = _site_answer(api_client)
    body = response.json()
    del body["timezone"]
    with pytest.raises(ContractBroken, match="timezone"):
        check(_with_body(response, body))


def test_a_value_of_another_type_is_caught(api_client: APIClient) -> None:
    response = _site_answer(api_client)
    body = {**response.json(), "name": 12}
    with pytest.raises(ContractBroken, match="name"):
        check(_with_body(response, body))


def test_a_hand_built_answer_is_checked_too(api_client: APIClient) -> None:
    """Availability's body is built by hand for speed (scheduling.api.availability); its items
    are checked against FreeStartSerializer's schema."""
    from tests.bookings.factories import make_world

    world = make_world()
    day = world.day.date().isoformat()
    response = api_client.get(
        "/api/v1/availability",
        {
            "service": world.service.code,
            "category": "small",
            "site": str(world.site.public_id),
            "from": day,
            "to": day,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["starts"], body
    body["starts"][0]["free_resources"] = "three"
    with pytest.raises(ContractBroken, match="starts/0"):
        check(_with_body(response, body))
