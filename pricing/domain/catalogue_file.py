"""The catalogue file (CSV or JSON) read into typed records, every problem collected with where it
is (a CSV line number, a JSON record path). Plain Python: the import service applies the records.

Formats (docs/rules/pricing.md has examples):
- JSON: {"skills": [...], "services": [{..., "overrides": [...]}], "options": [...]}
- CSV: one record a row, its kind in the `record` column (skill, service, override, option), the
  other columns named as the JSON fields; lists (`excluded_energies`, `services`) separated by `;`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import ValidationFailed
from pricing.domain.codes import PricingErrorCode

SKILL, SERVICE, OVERRIDE, OPTION = "skill", "service", "override", "option"
KINDS = (SKILL, SERVICE, OVERRIDE, OPTION)  # also the order in which they are applied
JSON_SECTIONS = {"skills": SKILL, "services": SERVICE, "options": OPTION}
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Problem:
    where: str  # "line 4", "services[2].overrides[0]"
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return (
            f"{self.where}: {self.field}: {self.message}"
            if self.field
            else (f"{self.where}: {self.message}")
        )


@dataclass(frozen=True)
class Record:
    kind: str
    where: str
    values: dict[str, Any]

    @property
    def key(self) -> tuple[str, ...]:
        if self.kind == OVERRIDE:
            return (self.kind, self.values["service"], self.values["category"])
        return (self.kind, self.values["code"])


@dataclass
class ParsedCatalogue:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Services named by a record that could not be read: their overrides and options are not
    # reported a second time as "unknown service".
    broken_services: set[str] = field(default_factory=set)


class CatalogueInvalid(ValidationFailed):
    code = PricingErrorCode.CATALOGUE_INVALID
    default_message = "The catalogue file has errors; nothing was imported."

    def __init__(self, problems: list[Problem]) -> None:
        ordered = sorted(problems, key=lambda p: _natural(p.where))
        super().__init__(details={"problems": [str(p) for p in ordered]})
        self.problems = tuple(ordered)


def _natural(where: str) -> list[tuple[int, int | str]]:
    """ "line 10" after "line 9", "services[10]" after "services[2]"."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", where)]


class _Bad(ValueError):
    pass


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad("expected text")
    return str(value).strip()


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise _Bad("expected a whole number")


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad("expected a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Bad("expected a number, e.g. 42.50") from None
    if not number.is_finite():
        raise _Bad("expected a number, e.g. 42.50")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1"}:
        return True
    if text in {"false", "no", "0"}:
        return False
    raise _Bad("expected true or false")


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise _Bad(f"expected a list of codes (in CSV separated by '{LIST_SEPARATOR}')")


@dataclass(frozen=True)
class _Field:
    convert: Callable[[Any], Any]
    required: bool = False
    default: Any = None


FIELDS: Mapping[str, Mapping[str, _Field]] = {
    SKILL: {"code": _Field(_text, True), "name": _Field(_text, True)},
    SERVICE: {
        "code": _Field(_text, True),
        "name": _Field(_text, True),
        "description": _Field(_text, default=""),
        "kind": _Field(_text, True),
        "base_duration_minutes": _Field(_integer, True),
        "base_price": _Field(_decimal, True),
        "tax_rate": _Field(_decimal, default=Decimal("20.00")),
        "required_skill": _Field(_text),
        "excluded_energies": _Field(_codes, default=[]),
        "buffer_after_minutes": _Field(_integer, default=0),
        "active": _Field(_boolean, default=True),
    },
    OVERRIDE: {
        "service": _Field(_text, True),
        "category": _Field(_text, True),
        "price": _Field(_decimal),
        "duration_minutes": _Field(_integer),
    },
    OPTION: {
        "code": _Field(_text, True),
        "name": _Field(_text, True),
        "price": _Field(_decimal, True),
        "extra_duration_minutes": _Field(_integer, default=0),
        "services": _Field(_codes, default=[]),
    },
}
CSV_COLUMNS = ("record", *dict.fromkeys(name for spec in FIELDS.values() for name in spec))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _record(
    kind: str, where: str, raw: Mapping[str, Any], parsed: ParsedCatalogue
) -> Record | None:
    spec = FIELDS[kind]
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, value in raw.items():
        if name not in spec and not _missing(value):
            problems.append(Problem(where, f"does not apply to a {kind} record", name))
    for name, rule in spec.items():
        value = raw.get(name)
        if _missing(value):
            if rule.required:
                problems.append(Problem(where, "this field is required", name))
            values[name] = list(rule.default) if isinstance(rule.default, list) else rule.default
            continue
        try:
            values[name] = rule.convert(value)
        except _Bad as bad:
            problems.append(Problem(where, str(bad), name))
    if problems:
        parsed.problems.extend(problems)
        if kind == SERVICE and isinstance(raw.get("code"), str):
            parsed.broken_services.add(raw["code"].strip())
        return None
    return Record(kind, where, values)


def _add(parsed: ParsedCatalogue, record: Record | None, seen: dict[tuple[str, ...], str]) -> None:
    if record is None:
        return
    first = seen.get(record.key)
    if first is not None:
        parsed.problems.append(Problem(record.where, f"duplicate of {first}"))
        return
    seen[record.key] = record.where
    parsed.records.append(record)


def parse_csv(content: str) -> ParsedCatalogue:
    parsed = ParsedCatalogue()
    reader = csv.DictReader(io.StringIO(content))
    header = reader.fieldnames or []
    if "record" not in header:
        parsed.problems.append(
            Problem("line 1", "the header needs a 'record' column (skill, service, ...)")
        )
        return parsed
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        parsed.problems.append(Problem("line 1", f"unknown columns: {', '.join(unknown)}"))
        return parsed
    seen: dict[tuple[str, ...], str] = {}
    for row in reader:
        where = f"line {reader.line_num}"
        if None in row:  # more cells than the header has columns
            parsed.problems.append(Problem(where, "more cells than columns"))
            continue
        kind = (row.pop("record") or "").strip().lower()
        if kind not in KINDS:
            parsed.problems.append(
                Problem(where, f"unknown record {kind!r} (use {', '.join(KINDS)})", "record")
            )
            continue
        _add(parsed, _record(kind, where, row, parsed), seen)
    return parsed


def parse_json(content: str) -> ParsedCatalogue:
    parsed = ParsedCatalogue()
    try:
        document = json.loads(content)
    except json.JSONDecodeError as exc:
        parsed.problems.append(Problem(f"line {exc.lineno}", f"not valid JSON: {exc.msg}"))
        return parsed
    if not isinstance(document, dict):
        parsed.problems.append(
            Problem("document", "expected an object with skills, services, options")
        )
        return parsed
    for name in document:
        if name not in JSON_SECTIONS:
            parsed.problems.append(
                Problem(name, f"unknown section (use {', '.join(JSON_SECTIONS)})")
            )
    seen: dict[tuple[str, ...], str] = {}
    for section, kind in JSON_SECTIONS.items():
        items = document.get(section, [])
        if not isinstance(items, list):
            parsed.problems.append(Problem(section, "expected a list"))
            continue
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                parsed.problems.append(Problem(where, "expected an object"))
                continue
            fields = {k: v for k, v in item.items() if not (kind == SERVICE and k == "overrides")}
            _add(parsed, _record(kind, where, fields, parsed), seen)
            if kind == SERVICE:
                _service_overrides(parsed, item, where, seen)
    return parsed


def _service_overrides(
    parsed: ParsedCatalogue, item: dict[str, Any], where: str, seen: dict[tuple[str, ...], str]
) -> None:
    overrides = item.get("overrides", [])
    if not isinstance(overrides, list):
        parsed.problems.append(Problem(where, "expected a list", "overrides"))
        return
    for index, override in enumerate(overrides):
        here = f"{where}.overrides[{index}]"
        if not isinstance(override, dict):
            parsed.problems.append(Problem(here, "expected an object"))
            continue
        if "service" in override:
            parsed.problems.append(Problem(here, "does not apply inside a service", "service"))
            continue
        _add(
            parsed, _record(OVERRIDE, here, {**override, "service": item.get("code")}, parsed), seen
        )


def parse_catalogue(content: str, *, fmt: str) -> ParsedCatalogue:
    if fmt == "csv":
        return parse_csv(content)
    if fmt == "json":
        return parse_json(content)
    raise ValueError(f"unknown catalogue format {fmt!r}")
