"""Reading the catalogue file (no database): types, defaults, duplicates, where problems are."""

from __future__ import annotations

from decimal import Decimal

from pricing.domain.catalogue_file import CatalogueInvalid, Problem, parse_csv, parse_json


def test_csv_cells_become_typed_values_with_defaults() -> None:
    parsed = parse_csv(
        "record,code,name,kind,base_duration_minutes,base_price,excluded_energies,active\n"
        "service,wash,Wash,wash,45,40.5,electric; hybrid ,no\n"
    )
    assert parsed.problems == []
    [record] = parsed.records
    assert record.where == "line 2"
    assert record.values["base_price"] == Decimal("40.5")
    assert record.values["base_duration_minutes"] == 45
    assert record.values["excluded_energies"] == ["electric", "hybrid"]
    assert record.values["active"] is False
    assert record.values["tax_rate"] == Decimal("20.00")
    assert record.values["buffer_after_minutes"] == 0


def test_every_problem_of_a_row_is_reported_not_just_the_first() -> None:
    parsed = parse_csv(
        "record,code,name,kind,base_duration_minutes,base_price,active,category\n"
        "service,,Wash,wash,forty,NaN,maybe,large\n"
    )
    assert sorted((p.field or "", p.message) for p in parsed.problems) == [
        ("active", "expected true or false"),
        ("base_duration_minutes", "expected a whole number"),
        ("base_price", "expected a number, e.g. 42.50"),
        ("category", "does not apply to a service record"),
        ("code", "this field is required"),
    ]
    assert parsed.records == []


def test_json_types_are_checked_and_overrides_belong_to_their_service() -> None:
    parsed = parse_json(
        '{"services": [{"code": "wash", "name": "Wash", "kind": "wash",'
        ' "base_duration_minutes": true, "base_price": 40,'
        ' "overrides": [{"category": "van", "price": "50"}, {"category": "van", "price": "60"}]}]}'
    )
    assert [str(p) for p in parsed.problems] == [
        "services[0]: base_duration_minutes: expected a whole number",
        "services[0].overrides[1]: duplicate of services[0].overrides[0]",
    ]
    [override] = parsed.records
    assert (override.kind, override.values["service"]) == ("override", "wash")
    assert parsed.broken_services == {"wash"}


def test_problems_are_listed_in_file_order() -> None:
    invalid = CatalogueInvalid([Problem("line 10", "b"), Problem("line 9", "a")])
    assert [p.where for p in invalid.problems] == ["line 9", "line 10"]
    assert invalid.details == {"problems": ["line 9: a", "line 10: b"]}
