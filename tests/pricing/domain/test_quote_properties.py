"""Properties of every quote, whatever the catalogue and the request (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict, cast

from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.domain.catalogue import (
    CategoryPricing,
    OptionData,
    PriceRuleData,
    PromoData,
    ServiceData,
)
from pricing.domain.quote import compute_quote

CATEGORIES = ("small", "medium", "large", "van")
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)

money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
percentage = st.decimals(
    min_value=-50, max_value=100, places=2, allow_nan=False, allow_infinity=False
)
minutes = st.integers(min_value=1, max_value=96).map(lambda n: n * 5)

options = st.lists(
    st.builds(
        OptionData,
        code=st.sampled_from(["a", "b", "c", "d"]),
        name=st.just("Option"),
        price=money,
        extra_duration_minutes=st.integers(0, 12).map(lambda n: n * 5),
    ),
    max_size=4,
    unique_by=lambda o: o.code,
)
overrides = st.lists(
    st.builds(
        CategoryPricing,
        category=st.sampled_from(CATEGORIES),
        price=st.none() | money,
        duration_minutes=st.none() | minutes,
    ),
    max_size=4,
    unique_by=lambda o: o.category,
)
services = st.builds(
    ServiceData,
    code=st.just("svc"),
    name=st.just("Service"),
    base_price=money,
    base_duration_minutes=minutes,
    tax_rate=st.decimals(min_value=0, max_value=100, places=2),
    buffer_after_minutes=st.integers(0, 12).map(lambda n: n * 5),
    overrides=overrides.map(tuple),
    options=options.map(tuple),
)
rules = st.lists(
    st.builds(
        PriceRuleData,
        id=st.integers(1, 10_000),
        name=st.sampled_from(["r1", "r2", "r3"]),
        percentage=percentage,
        priority=st.integers(0, 5),
        weekdays=st.frozensets(st.integers(1, 7)),
        start_time=st.just(None) | st.just(time(8)),
        end_time=st.just(None) | st.just(time(18)),
    ).filter(lambda r: (r.start_time is None) == (r.end_time is None)),
    max_size=5,
    unique_by=lambda r: r.id,
)
promos = st.none() | st.builds(
    PromoData,
    code=st.just("P"),
    kind=st.sampled_from(["percent", "amount"]),
    value=st.decimals(min_value=Decimal("0.01"), max_value=100, places=2),
    min_order_total=st.decimals(min_value=0, max_value=200, places=2),
    max_redemptions=st.none() | st.integers(0, 3),
    redemptions_count=st.integers(0, 3),
    used_by_customer=st.booleans(),
)
starts = st.none() | st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 12, 31))


class QuoteRequest(TypedDict):
    """The keyword arguments `requests` draws for compute_quote."""

    service: ServiceData
    category: str
    option_codes: list[str]
    rules: list[PriceRuleData]
    local_start: datetime | None
    promo_code: str
    promo: PromoData | None
    now: datetime
    currency: str


# fixed_dictionaries types its draws as a plain dict of the values' join; the keys and the
# value types are exactly QuoteRequest's.
requests = cast(
    "st.SearchStrategy[QuoteRequest]",
    st.fixed_dictionaries(
        {
            "service": services,
            "category": st.sampled_from(CATEGORIES),
            "option_codes": st.lists(st.sampled_from(["a", "b", "c", "d", "x"]), max_size=5),
            "rules": rules,
            "local_start": starts,
            "promo_code": st.just("p"),
            "promo": promos,
            "now": st.just(NOW) | st.just(NOW + timedelta(days=400)),
            "currency": st.just("EUR"),
        }
    ),
)


@settings(max_examples=300, deadline=None)
@given(requests)
def test_the_total_is_the_sum_of_the_lines_and_never_negative(request: QuoteRequest) -> None:
    q = compute_quote(**request)
    assert q.total == sum((line.amount for line in q.lines), Decimal("0.00"))
    assert q.total >= 0
    assert 0 <= q.tax_included <= q.total
    for line in q.lines:
        assert line.amount == line.amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(requests)
def test_the_same_inputs_give_the_same_quote(request: QuoteRequest) -> None:
    first = compute_quote(**request)
    again = compute_quote(**request)
    reordered: QuoteRequest = {**request, "rules": list(reversed(request["rules"]))}
    shuffled = compute_quote(**reordered)
    assert first == again == shuffled
    assert first.as_dict() == again.as_dict()


@settings(max_examples=200, deadline=None)
@given(requests)
def test_the_duration_is_the_category_duration_plus_the_options_quoted(
    request: QuoteRequest,
) -> None:
    q = compute_quote(**request)
    service = request["service"]
    quoted = [service.option(code) for code in q.option_codes]
    assert None not in quoted  # a quote lists only options the service offers
    extra = sum(option.extra_duration_minutes for option in quoted if option is not None)
    assert q.duration_minutes == service.duration_for(request["category"]) + extra
    assert q.duration_minutes % 5 == 0
