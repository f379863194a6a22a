"""manage.py import_catalogue: all or nothing, every bad line named, idempotent, dry run."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from pricing.models import CategoryOverride, Option, Service, Skill
from tests.pricing.factories import ServiceFactory

pytestmark = pytest.mark.django_db

CSV = """\
record,code,name,kind,base_duration_minutes,base_price,tax_rate,required_skill,excluded_energies,buffer_after_minutes,active,service,category,price,duration_minutes,extra_duration_minutes,services
skill,mechanic,Mechanic,,,,,,,,,,,,,,
service,full-wash,Full wash,wash,45,40.00,,,,10,,,,,,,
override,,,,,,,,,,,full-wash,large,55.00,60,,
override,,,,,,,,,,,full-wash,van,,75,,
service,oil-change,Oil change,maintenance,30,69.90,20,mechanic,electric,5,true,,,,,,
option,wax,Hand wax,,,,,,,,,,,15.00,,20,full-wash
option,filter,Oil filter,,,,,,,,,,,12.00,,0,oil-change;full-wash
"""

JSON = {
    "skills": [{"code": "mechanic", "name": "Mechanic"}],
    "services": [
        {
            "code": "full-wash",
            "name": "Full wash",
            "kind": "wash",
            "base_duration_minutes": 45,
            "base_price": "40.00",
            "buffer_after_minutes": 10,
            "overrides": [
                {"category": "large", "price": "55.00", "duration_minutes": 60},
                {"category": "van", "duration_minutes": 75},
            ],
        },
        {
            "code": "oil-change",
            "name": "Oil change",
            "kind": "maintenance",
            "base_duration_minutes": 30,
            "base_price": "69.90",
            "tax_rate": "20",
            "required_skill": "mechanic",
            "excluded_energies": ["electric"],
            "buffer_after_minutes": 5,
            "active": True,
        },
    ],
    "options": [
        {
            "code": "wax",
            "name": "Hand wax",
            "price": "15.00",
            "extra_duration_minutes": 20,
            "services": ["full-wash"],
        },
        {
            "code": "filter",
            "name": "Oil filter",
            "price": 12,
            "services": ["oil-change", "full-wash"],
        },
    ],
}


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fail(path: Path, *args: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_catalogue", str(path), *args, stdout=StringIO(), stderr=err)
    return str(caught.value), err.getvalue()


@pytest.fixture(params=["csv", "json"])
def good_file(request: Any, tmp_path: Path) -> Path:
    path = tmp_path / f"catalogue.{request.param}"
    path.write_text(CSV if request.param == "csv" else json.dumps(JSON), encoding="utf-8")
    return path


def snapshot() -> list[Any]:
    return [
        list(Skill.objects.values_list("code", "name")),
        list(
            Service.objects.order_by("code").values_list(
                "code",
                "name",
                "kind",
                "base_duration_minutes",
                "base_price",
                "tax_rate",
                "required_skill__code",
                "excluded_energies",
                "buffer_after_minutes",
                "active",
            )
        ),
        list(
            CategoryOverride.objects.order_by("service__code", "category").values_list(
                "service__code", "category", "price", "duration_minutes"
            )
        ),
        sorted(
            Option.objects.values_list("code", "price", "extra_duration_minutes", "services__code")
        ),
    ]


def test_an_import_creates_the_catalogue(good_file: Path) -> None:
    out, _ = run(good_file)
    assert "services: 2 created, 0 updated, 0 unchanged" in out
    assert "overrides: 2 created" in out
    assert "options: 2 created" in out
    oil = Service.objects.get(code="oil-change")
    assert oil.required_skill is not None
    assert (oil.required_skill.code, oil.excluded_energies) == ("mechanic", ["electric"])
    assert oil.base_price == Decimal("69.90")
    wash = Service.objects.get(code="full-wash")
    assert wash.tax_rate == Decimal("20.00")  # the default
    van = CategoryOverride.objects.get(service=wash, category="van")
    assert (van.price, van.duration_minutes) == (None, 75)
    assert sorted(Option.objects.get(code="filter").services.values_list("code", flat=True)) == [
        "full-wash",
        "oil-change",
    ]


def test_csv_and_json_describe_the_same_catalogue(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CSV)
    run(tmp_path / "a.csv")
    from_csv = snapshot()
    Option.objects.all().delete()
    CategoryOverride.objects.all().delete()
    Service.objects.all().delete()
    Skill.objects.all().delete()
    (tmp_path / "a.json").write_text(json.dumps(JSON))
    run(tmp_path / "a.json")
    assert snapshot() == from_csv


def test_re_importing_the_same_file_changes_nothing_and_says_so(good_file: Path) -> None:
    run(good_file)
    before = snapshot()
    updated_at = dict(Service.objects.values_list("code", "updated_at"))
    out, _ = run(good_file)
    assert "Nothing to change" in out
    assert "services: 0 created, 0 updated, 2 unchanged" in out
    assert snapshot() == before
    assert dict(Service.objects.values_list("code", "updated_at")) == updated_at


def test_a_changed_file_updates_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(JSON))
    run(path)
    changed = json.loads(json.dumps(JSON))
    changed["services"][0]["base_price"] = "42.00"
    changed["options"][0]["services"] = ["full-wash", "oil-change"]
    path.write_text(json.dumps(changed))
    out, _ = run(path)
    assert "services: 0 created, 1 updated, 1 unchanged" in out
    assert "options: 0 created, 1 updated, 1 unchanged" in out
    assert Service.objects.get(code="full-wash").base_price == Decimal("42.00")
    assert Option.objects.get(code="wax").services.count() == 2


def test_a_dry_run_checks_and_saves_nothing(good_file: Path) -> None:
    out, _ = run(good_file, "--dry-run")
    assert "services: 2 created" in out
    assert "Dry run: nothing was saved." in out
    assert not Service.objects.exists()
    assert not Skill.objects.exists()


BAD_CSV = """\
record,code,name,kind,base_duration_minutes,base_price,tax_rate,required_skill,excluded_energies,buffer_after_minutes,active,service,category,price,duration_minutes,extra_duration_minutes,services
service,full-wash,Full wash,wash,45,40.00,,,,10,,,,,,,
service,bad-duration,Bad,wash,47,40.00,,,,,,,,,,,
service,bad-price,Bad,wash,45,abc,,,,,,,,,,,
override,,,,,,,,,,,full-wash,bus,10.00,,,
override,,,,,,,,,,,ghost,small,10.00,,,
option,wax,Wax,,,,,,,,,,,15.00,,20,full-wash;nowhere
service,oil,Oil,maintenance,30,50,,nobody,diesel;steam,,,,,,,,
service,full-wash,Again,wash,45,40.00,,,,,,,,,,,
teapot,,,,,,,,,,,,,,,,
"""


def test_a_file_with_errors_changes_nothing_and_names_every_bad_line(tmp_path: Path) -> None:
    ServiceFactory.create(code="existing", base_price=Decimal("10.00"))
    before = snapshot()
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV)

    message, err = fail(path)

    assert "nothing was imported" in message
    for line in (3, 4, 5, 6, 7, 8, 9, 10):
        assert f"line {line}:" in err, f"line {line} not reported:\n{err}"
    assert "line 2:" not in err  # the good line is not blamed
    assert "line 3: base_duration_minutes:" in err
    assert "line 4: base_price: expected a number" in err
    assert "line 5: category:" in err
    assert "line 6: service: no service with the code 'ghost'" in err
    assert "line 7: services: no service with the code 'nowhere'" in err
    assert "line 8: required_skill: no skill with the code 'nobody'" in err
    assert "line 8: excluded_energies: Unknown energies: steam" in err  # same line, both named
    assert "line 9: duplicate of line 2" in err
    assert "line 10: record: unknown record 'teapot'" in err
    assert snapshot() == before  # not even the good line was imported


def test_a_service_that_fails_validation_does_not_blame_its_overrides_too(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(JSON))
    bad["services"][0]["base_price"] = "-1"
    bad["services"][1]["excluded_energies"] = ["steam"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    _, err = fail(path)
    assert "services[0]: base_price:" in err
    assert "services[1]: excluded_energies: Unknown energies: steam" in err
    assert "overrides" not in err
    assert "options[" not in err
    assert not Service.objects.exists()


def test_a_dry_run_with_errors_fails_too(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV)
    message, _ = fail(path, "--dry-run")
    assert "errors" in message


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("x.json", "{not json", "line 1: not valid JSON"),
        ("x.json", "[]", "document: expected an object"),
        (
            "x.json",
            '{"services": [{"code": "a", "colour": "red"}]}',
            "services[0]: colour: does not apply",
        ),
        ("x.csv", "code,name\na,b\n", "line 1: the header needs a 'record' column"),
        ("x.csv", "record,code,colour\nskill,a,red\n", "line 1: unknown columns: colour"),
    ],
)
def test_malformed_files_are_reported(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    _, err = fail(path)
    assert expected in err


def test_an_unreadable_or_unknown_file_is_a_command_error(tmp_path: Path) -> None:
    message, _ = fail(tmp_path / "missing.csv")
    assert "Cannot read" in message
    (tmp_path / "catalogue.xml").write_text("<xml/>")
    message, _ = fail(tmp_path / "catalogue.xml")
    assert "--format" in message


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_examples_of_the_rules_document_import(tmp_path: Path, fmt: str) -> None:
    import re

    document = (Path(__file__).resolve().parents[3] / "docs/rules/pricing.md").read_text()
    [example] = re.findall(rf"```{fmt}\n(.*?)```", document, flags=re.DOTALL)
    path = tmp_path / f"example.{fmt}"
    path.write_text(example)
    out, _ = run(path)
    assert "services: 1 created" in out
    assert "Nothing to change" in run(path)[0]
