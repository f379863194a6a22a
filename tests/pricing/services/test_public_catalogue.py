"""The catalogue import as the demo data runs it (pricing.services.catalogue_import), and
pricing.public.skill_pks."""

from __future__ import annotations

import json

import pytest

from core.errors import NotFound
from pricing import public, services
from pricing.domain.catalogue_file import CatalogueInvalid
from pricing.models import Service
from tests.pricing.factories import SkillFactory

pytestmark = pytest.mark.django_db


def test_import_catalogue_creates_then_finds_everything() -> None:
    content = json.dumps(
        {
            "skills": [{"code": "washing", "name": "Washing"}],
            "services": [
                {
                    "code": "wash",
                    "name": "Wash",
                    "kind": "wash",
                    "base_duration_minutes": 30,
                    "base_price": "19.00",
                    "required_skill": "washing",
                }
            ],
        }
    )
    first = services.catalogue_import(content=content, fmt="json")
    second = services.catalogue_import(content=content, fmt="json")
    assert first.changed
    assert not second.changed
    assert Service.objects.get(code="wash").required_skill is not None


def test_import_catalogue_refuses_a_broken_file() -> None:
    with pytest.raises(CatalogueInvalid):
        services.catalogue_import(content='{"services": [{"code": "x"}]}', fmt="json")


def test_skill_pks_in_the_order_asked_or_not_found() -> None:
    washing, tyres = SkillFactory.create(code="washing"), SkillFactory.create(code="tyres")
    assert public.skill_pks(["tyres", "washing"]) == [tyres.pk, washing.pk]
    with pytest.raises(NotFound) as caught:
        public.skill_pks(["washing", "flying"])
    assert caught.value.details == {"skills": ["flying"]}
