"""The data migration gives operators the catalogue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_operators_view_add_and_change_the_catalogue_but_only_view_redemptions() -> None:
    granted = set(
        Group.objects.get(name="operator")
        .permissions.filter(content_type__app_label="pricing")
        .values_list("codename", flat=True)
    )
    for model in ("skill", "service", "categoryoverride", "option", "pricerule", "promocode"):
        assert {f"view_{model}", f"add_{model}", f"change_{model}"} <= granted
        assert f"delete_{model}" not in granted
    assert "view_promoredemption" in granted
    assert not {"add_promoredemption", "change_promoredemption"} & granted
    customer = Group.objects.get(name="customer")
    assert not customer.permissions.filter(content_type__app_label="pricing").exists()
