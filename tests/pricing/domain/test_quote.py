"""The quote's rules on plain values (SPEC §4), no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from core.errors import Conflict
from pricing.domain.catalogue import CategoryPricing
from pricing.domain.quote import Quote, compute_quote
from tests.pricing.domain.builders import (
    MONDAY_10H,
    NOW,
    SATURDAY_10H,
    promo,
    rule,
    service,
)

WEEKEND = frozenset({6, 7})


def quote(**kwargs: object) -> Quote:
    values: dict[str, object] = {
        "service": service(),
        "category": "medium",
        "now": NOW,
        "currency": "EUR",
    }
    values.update(kwargs)
    return compute_quote(**values)  # type: ignore[arg-type]


def amounts(q: Quote) -> list[tuple[str, str, Decimal]]:
    return [(line.kind, line.code, line.amount) for line in q.lines]


# --- the service line and the category ----------------------------------------------------------


def test_a_category_without_override_pays_the_base_price_and_duration() -> None:
    q = quote(category="small")
    assert amounts(q) == [("service", "full-wash", Decimal("40.00"))]
    assert q.total == Decimal("40.00")
    assert q.duration_minutes == 45
    assert q.buffer_after_minutes == 10
    assert q.currency == "EUR"
    assert q.reasons == ()


def test_a_category_override_replaces_price_and_duration() -> None:
    q = quote(category="large")
    assert q.total == Decimal("55.00")
    assert q.duration_minutes == 60


def test_an_override_with_only_a_duration_keeps_the_base_price() -> None:
    s = service(overrides=(CategoryPricing("van", None, 90),))
    q = quote(service=s, category="van")
    assert (q.total, q.duration_minutes) == (Decimal("40.00"), 90)


def test_an_override_with_only_a_price_keeps_the_base_duration() -> None:
    s = service(overrides=(CategoryPricing("van", Decimal("48.00"), None),))
    q = quote(service=s, category="van")
    assert (q.total, q.duration_minutes) == (Decimal("48.00"), 45)


def test_a_free_service_costs_nothing() -> None:
    q = quote(service=service(base_price=Decimal("0.00"), overrides=()))
    assert (q.total, q.tax_included) == (Decimal("0.00"), Decimal("0.00"))


def test_an_inactive_service_is_refused() -> None:
    with pytest.raises(Conflict) as caught:
        quote(service=service(active=False))
    assert caught.value.code == "service_inactive"


def test_an_excluded_energy_is_refused_and_others_are_not() -> None:
    oil = service(code="oil-change", excluded_energies=frozenset({"electric"}))
    with pytest.raises(Conflict) as caught:
        quote(service=oil, energy="electric")
    assert caught.value.code == "service_not_for_energy"
    assert caught.value.details["energy"] == "electric"
    assert quote(service=oil, energy="diesel").total == Decimal("40.00")
    assert quote(service=oil, energy=None).total == Decimal("40.00")


# --- options ------------------------------------------------------------------------------------


def test_offered_options_add_a_line_each_and_their_minutes() -> None:
    q = quote(option_codes=["wax", "interior"])
    assert amounts(q) == [
        ("service", "full-wash", Decimal("40.00")),
        ("option", "wax", Decimal("15.00")),
        ("option", "interior", Decimal("12.50")),
    ]
    assert q.total == Decimal("67.50")
    assert q.duration_minutes == 45 + 20 + 15
    assert q.option_codes == ("wax", "interior")


def test_an_option_asked_twice_is_bought_once() -> None:
    q = quote(option_codes=["wax", "wax"])
    assert q.total == Decimal("55.00")
    assert q.duration_minutes == 65


def test_an_option_not_offered_is_left_out_with_a_reason() -> None:
    q = quote(option_codes=["wax", "tyre-shine"])
    assert q.total == Decimal("55.00")
    assert q.duration_minutes == 65
    assert [(r.code, r.subject) for r in q.reasons] == [("option_not_offered", "tyre-shine")]
    assert "tyre-shine" in q.reasons[0].message


def test_strict_refuses_an_option_not_offered() -> None:
    with pytest.raises(Conflict) as caught:
        quote(option_codes=["tyre-shine"], strict=True)
    assert caught.value.code == "option_not_offered"
    assert caught.value.details["option"] == "tyre-shine"


# --- price rules --------------------------------------------------------------------------------


def test_a_rule_needs_a_start_and_says_so() -> None:
    q = quote(rules=[rule(weekdays=WEEKEND)])
    assert q.total == Decimal("40.00")
    assert [r.code for r in q.reasons] == ["price_rules_need_start"]


def test_no_reason_when_no_rule_concerns_the_service() -> None:
    q = quote(rules=[rule(service_codes=frozenset({"other"}))])
    assert q.reasons == ()


def test_a_weekend_rule_applies_on_saturday_not_on_monday() -> None:
    rules = [rule(weekdays=WEEKEND)]
    saturday = quote(rules=rules, local_start=SATURDAY_10H)
    assert amounts(saturday)[-1] == ("modifier", "rule-1", Decimal("6.00"))
    assert saturday.lines[-1].label == "Weekend (+15 %)"
    assert saturday.total == Decimal("46.00")
    assert quote(rules=rules, local_start=MONDAY_10H).total == Decimal("40.00")


def test_the_rule_applies_on_the_subtotal_with_options() -> None:
    q = quote(rules=[rule(percentage=Decimal("10"))], option_codes=["wax"], local_start=MONDAY_10H)
    assert amounts(q)[-1] == ("modifier", "rule-1", Decimal("5.50"))
    assert q.total == Decimal("60.50")


def test_the_time_window_includes_its_start_and_excludes_its_end() -> None:
    morning = [rule(start_time=time(8, 0), end_time=time(10, 0))]
    assert quote(rules=morning, local_start=datetime(2025, 6, 2, 8, 0)).total == Decimal("46.00")
    assert quote(rules=morning, local_start=datetime(2025, 6, 2, 9, 59)).total == Decimal("46.00")
    assert quote(rules=morning, local_start=datetime(2025, 6, 2, 10, 0)).total == Decimal("40.00")
    assert quote(rules=morning, local_start=datetime(2025, 6, 2, 7, 55)).total == Decimal("40.00")


def test_the_date_range_includes_both_days() -> None:
    june = [rule(valid_from=date(2025, 6, 2), valid_until=date(2025, 6, 7))]
    assert quote(rules=june, local_start=MONDAY_10H).total == Decimal("46.00")
    assert quote(rules=june, local_start=SATURDAY_10H).total == Decimal("46.00")
    assert quote(rules=june, local_start=datetime(2025, 6, 8, 10)).total == Decimal("40.00")
    assert quote(rules=june, local_start=datetime(2025, 6, 1, 10)).total == Decimal("40.00")


def test_the_rule_reads_the_wall_clock_of_the_start_it_is_given() -> None:
    """Saturday 00:30 in Paris is still Friday in UTC: the local start decides."""
    from zoneinfo import ZoneInfo

    paris = datetime(2025, 6, 7, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    rules = [rule(weekdays=WEEKEND)]
    assert quote(rules=rules, local_start=paris).total == Decimal("46.00")
    assert quote(rules=rules, local_start=paris.astimezone(UTC)).total == Decimal("40.00")


def test_a_rule_for_listed_services_skips_the_others() -> None:
    rules = [rule(service_codes=frozenset({"oil-change"}))]
    assert quote(rules=rules, local_start=MONDAY_10H).total == Decimal("40.00")
    assert quote(
        rules=rules, local_start=MONDAY_10H, service=service(code="oil-change")
    ).total == Decimal("46.00")


def test_matching_rules_stack_in_priority_order_on_the_running_subtotal() -> None:
    rules = [
        rule(id=2, name="Rush hour", percentage=Decimal("10"), priority=20),
        rule(id=1, name="Weekend", percentage=Decimal("15"), priority=10, weekdays=WEEKEND),
        rule(id=3, name="Loyalty", percentage=Decimal("-50"), priority=30),
    ]
    q = quote(rules=rules, local_start=SATURDAY_10H)
    # 40.00 -> +15 % = 6.00 -> 46.00 -> +10 % = 4.60 -> 50.60 -> -50 % = -25.30 -> 25.30
    assert amounts(q)[1:] == [
        ("modifier", "rule-1", Decimal("6.00")),
        ("modifier", "rule-2", Decimal("4.60")),
        ("modifier", "rule-3", Decimal("-25.30")),
    ]
    assert q.total == Decimal("25.30")


def test_rules_of_equal_priority_apply_by_name_whatever_the_input_order() -> None:
    a = rule(id=9, name="A surcharge", percentage=Decimal("10"))
    b = rule(id=1, name="B surcharge", percentage=Decimal("-50"))
    forward = quote(rules=[a, b], local_start=MONDAY_10H)
    backward = quote(rules=[b, a], local_start=MONDAY_10H)
    assert forward == backward
    assert [line.code for line in forward.lines[1:]] == ["rule-9", "rule-1"]


# --- rounding -----------------------------------------------------------------------------------


def test_a_modifier_rounds_half_up_to_the_cent() -> None:
    s = service(base_price=Decimal("10.05"), overrides=())
    q = quote(service=s, rules=[rule(percentage=Decimal("15"))], local_start=MONDAY_10H)
    assert q.lines[-1].amount == Decimal("1.51")  # 1.5075
    exact_half = quote(
        service=service(base_price=Decimal("0.10"), overrides=()),
        rules=[rule(percentage=Decimal("5"))],
        local_start=MONDAY_10H,
    )
    assert exact_half.lines[-1].amount == Decimal("0.01")  # 0.005


def test_a_negative_modifier_rounds_half_away_from_zero() -> None:
    q = quote(
        service=service(base_price=Decimal("0.10"), overrides=()),
        rules=[rule(percentage=Decimal("-5"))],
        local_start=MONDAY_10H,
    )
    assert q.lines[-1].amount == Decimal("-0.01")  # -0.005
    assert q.total == Decimal("0.09")


def test_each_line_is_rounded_before_the_next_one_is_computed() -> None:
    """33.33 +0.5 % = 0.16665 -> 0.17; then 33.50 +0.5 % = 0.1675 -> 0.17 (not 0.3341 -> 0.33)."""
    s = service(base_price=Decimal("33.33"), overrides=())
    rules = [
        rule(id=1, name="a", percentage=Decimal("0.5")),
        rule(id=2, name="b", percentage=Decimal("0.5")),
    ]
    q = quote(service=s, rules=rules, local_start=MONDAY_10H)
    assert [line.amount for line in q.lines] == [
        Decimal("33.33"),
        Decimal("0.17"),
        Decimal("0.17"),
    ]
    assert q.total == Decimal("33.67")


def test_the_tax_is_the_part_of_the_total_at_the_service_rate_rounded_half_up() -> None:
    assert quote(category="large").tax_included == Decimal("9.17")  # 55 × 20 / 120 = 9.1666…
    reduced = quote(service=service(tax_rate=Decimal("5.5"), overrides=()))
    assert reduced.tax_included == Decimal("2.09")  # 40 × 5.5 / 105.5 = 2.0853…
    exempt = quote(service=service(tax_rate=Decimal("0"), overrides=()))
    assert exempt.tax_included == Decimal("0.00")
    half = quote(service=service(base_price=Decimal("0.03"), overrides=()))
    assert half.tax_included == Decimal("0.01")  # 0.005 exactly


# --- promo codes --------------------------------------------------------------------------------


def test_a_percentage_promo_is_its_own_negative_line() -> None:
    q = quote(promo_code="summer10", promo=promo(), option_codes=["interior"])
    assert amounts(q)[-1] == ("promo", "SUMMER10", Decimal("-5.25"))  # 10 % of 52.50
    assert q.lines[-1].label == "SUMMER10 (-10 %)"
    assert q.total == Decimal("47.25")
    assert q.promo_code == "SUMMER10"


def test_a_percentage_promo_rounds_half_up() -> None:
    q = quote(
        service=service(base_price=Decimal("0.05"), overrides=()),
        promo_code="X",
        promo=promo(value=Decimal("10")),
    )
    assert q.lines[-1].amount == Decimal("-0.01")  # 0.005


def test_a_fixed_amount_promo_never_takes_the_total_below_zero() -> None:
    q = quote(promo_code="FIVE", promo=promo(code="FIVE", kind="amount", value=Decimal("5")))
    assert q.total == Decimal("35.00")
    big = quote(promo_code="BIG", promo=promo(code="BIG", kind="amount", value=Decimal("500")))
    assert amounts(big)[-1] == ("promo", "BIG", Decimal("-40.00"))
    assert (big.total, big.tax_included) == (Decimal("0.00"), Decimal("0.00"))


def test_a_hundred_percent_promo_makes_it_free() -> None:
    assert quote(promo_code="X", promo=promo(value=Decimal("100"))).total == Decimal("0.00")


def test_the_promo_applies_after_the_modifiers() -> None:
    q = quote(rules=[rule()], local_start=SATURDAY_10H, promo_code="S", promo=promo())
    assert amounts(q)[1:] == [
        ("modifier", "rule-1", Decimal("6.00")),
        ("promo", "SUMMER10", Decimal("-4.60")),
    ]


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ({"valid_from": datetime(2025, 6, 3, tzinfo=UTC)}, "promo_not_yet_valid"),
        ({"valid_until": datetime(2025, 6, 2, 9, 0, tzinfo=UTC)}, "promo_expired"),
        ({"max_redemptions": 3, "redemptions_count": 3}, "promo_exhausted"),
        ({"used_by_customer": True}, "promo_already_used"),
        ({"min_order_total": Decimal("40.01")}, "promo_below_minimum"),
    ],
)
def test_a_promo_that_does_not_apply_gives_its_reason(state: dict[str, object], code: str) -> None:
    q = quote(promo_code="summer10", promo=promo(**state))
    assert q.total == Decimal("40.00")
    assert q.promo_code is None
    assert [(r.code, r.subject) for r in q.reasons] == [(code, "SUMMER10")]
    with pytest.raises(Conflict) as caught:
        quote(promo_code="summer10", promo=promo(**state), strict=True)
    assert caught.value.code == code


def test_an_unknown_promo_gives_a_reason_or_a_strict_refusal() -> None:
    q = quote(promo_code=" nope ", promo=None)
    assert [(r.code, r.subject) for r in q.reasons] == [("promo_unknown", "NOPE")]
    with pytest.raises(Conflict) as caught:
        quote(promo_code="nope", promo=None, strict=True)
    assert caught.value.code == "promo_unknown"


@pytest.mark.parametrize(
    "state",
    [
        None,  # no such code
        {"valid_from": datetime(2025, 6, 3, tzinfo=UTC)},
        {"valid_until": datetime(2025, 6, 2, 9, 0, tzinfo=UTC)},
        {"max_redemptions": 3, "redemptions_count": 3},
    ],
)
def test_an_anonymous_caller_cannot_tell_an_unknown_code_from_a_dead_one(
    state: dict[str, object] | None,
) -> None:
    q = quote(
        promo_code="summer10", promo=None if state is None else promo(**state), anonymous=True
    )
    assert [(r.code, r.message) for r in q.reasons] == [
        ("promo_invalid", "The promo code SUMMER10 is not valid.")
    ]


def test_an_anonymous_caller_still_learns_the_minimum() -> None:
    q = quote(promo_code="summer10", promo=promo(min_order_total=Decimal("40.01")), anonymous=True)
    assert [r.code for r in q.reasons] == ["promo_below_minimum"]


def test_a_promo_is_valid_from_its_first_instant_until_just_before_its_end() -> None:
    window = {"valid_from": NOW, "valid_until": datetime(2025, 6, 2, 9, 0, 1, tzinfo=UTC)}
    assert quote(promo_code="S", promo=promo(**window)).promo_code == "SUMMER10"


def test_the_minimum_is_checked_on_the_total_after_modifiers() -> None:
    p = promo(min_order_total=Decimal("45.00"))
    assert quote(promo_code="S", promo=p, local_start=MONDAY_10H, rules=[rule()]).promo_code
    assert quote(promo_code="S", promo=p).promo_code is None  # 40.00 without the surcharge


def test_a_promo_with_room_left_applies() -> None:
    q = quote(promo_code="S", promo=promo(max_redemptions=3, redemptions_count=2))
    assert q.promo_code == "SUMMER10"


def test_a_blank_promo_code_is_no_promo() -> None:
    q = quote(promo_code="  ", promo=None)
    assert (q.reasons, q.promo_code) == ((), None)


# --- the worked example of docs/rules/pricing.md -------------------------------------------------


def test_worked_example_weekend_promo_large_vehicle_two_options() -> None:
    q = quote(
        category="large",
        option_codes=["wax", "interior"],
        rules=[rule(weekdays=WEEKEND)],
        local_start=SATURDAY_10H,
        promo_code="summer10",
        promo=promo(),
    )
    assert amounts(q) == [
        ("service", "full-wash", Decimal("55.00")),
        ("option", "wax", Decimal("15.00")),
        ("option", "interior", Decimal("12.50")),
        ("modifier", "rule-1", Decimal("12.38")),  # 82.50 × 15 % = 12.375
        ("promo", "SUMMER10", Decimal("-9.49")),  # 94.88 × 10 % = 9.488
    ]
    assert q.total == Decimal("85.39")
    assert q.tax_included == Decimal("14.23")  # 85.39 × 20 / 120 = 14.2316…
    assert (q.duration_minutes, q.buffer_after_minutes) == (95, 10)


def test_the_snapshot_round_trips() -> None:
    q = quote(
        option_codes=["wax", "nope"],
        rules=[rule()],
        local_start=SATURDAY_10H,
        promo_code="s",
        promo=promo(),
        energy="diesel",
    )
    snapshot = q.as_dict()
    assert snapshot["total"] == "56.92"  # 55.00 + 8.25 (15 %) - 6.33 (10 %)
    assert snapshot["lines"][0] == {
        "kind": "service",
        "code": "full-wash",
        "label": "Full wash",
        "amount": "40.00",
    }
    assert Quote.from_dict(snapshot) == q
