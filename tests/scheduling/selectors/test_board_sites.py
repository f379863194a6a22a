"""The planning board's sites (scheduling.board_sites): read once with their hours, the chosen
site's day built from them is the day `site_day` reads on its own, one query less."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from scheduling import public
from tests.scheduling.factories import ClosureFactory, ResourceFactory, SiteFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 1)


def test_the_chosen_sites_day_is_the_same_read_with_the_sites(
    django_assert_num_queries: Any,
) -> None:
    SiteFactory.create(name="A first site")
    site = SiteFactory.create(name="B site", hours={1: [(time(8), time(12)), (time(13), time(17))]})
    ResourceFactory.create(site=site, name="Bay 1")
    ResourceFactory.create(site=site, name="Bay 2", hours={1: [(time(9), time(11))]})
    ClosureFactory.create(
        site=site,
        start=datetime(2027, 3, 1, 10, tzinfo=UTC),
        end=datetime(2027, 3, 1, 11, tzinfo=UTC),
    )
    with django_assert_num_queries(1):
        sites = public.board_sites()
    assert [s.policy.name for s in sites] == ["A first site", "B site"]
    assert [s.policy for s in sites] == public.site_policies()
    with django_assert_num_queries(3):  # its resources, closures, date exceptions
        read_once = public.site_day(site_pk=site.pk, day=MONDAY, site=sites[1])
    with django_assert_num_queries(4):  # + the site
        on_its_own = public.site_day(site_pk=site.pk, day=MONDAY)
    assert read_once == on_its_own
    assert len(read_once.open_spans) == 2
    assert len(read_once.closures) == 1
    # Another site's read is not taken for this one.
    assert public.site_day(site_pk=site.pk, day=MONDAY, site=sites[0]) == on_its_own
