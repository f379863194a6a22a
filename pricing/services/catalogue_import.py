"""Catalogue import: all or nothing, every problem reported, idempotent.

The whole file is applied in one transaction, in a fixed order (skills, services, overrides,
options) whatever the order of the file; each record is checked with the models' own validation
(the admin's rules), every problem is collected, and any problem rolls everything back. Records
equal to what is stored are left alone, so importing the same file twice changes nothing. The
import creates and updates; it never deletes (retire a service with `active` false)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from pricing.domain.catalogue_file import (
    KINDS,
    OPTION,
    OVERRIDE,
    SERVICE,
    SKILL,
    CatalogueInvalid,
    Problem,
    Record,
    parse_catalogue,
)
from pricing.models import CategoryOverride, Option, Service, Skill
from pricing.services.catalogue import catalogue_changed


@dataclass(frozen=True)
class ImportSummary:
    created: Counter[str]
    updated: Counter[str]
    unchanged: Counter[str]
    dry_run: bool

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def lines(self) -> list[str]:
        lines = [
            f"{kind}s: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in KINDS
            if self.created[kind] or self.updated[kind] or self.unchanged[kind]
        ]
        if not self.changed:
            lines.append("Nothing to change: the catalogue already matches the file.")
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        return lines


@dataclass
class _Import:
    problems: list[Problem]
    broken_services: set[str]
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def problem(self, record: Record, message: str, name: str | None = None) -> None:
        self.problems.append(Problem(record.where, message, name))

    def save(
        self,
        record: Record,
        obj: models.Model,
        values: dict[str, Any],
        *,
        also_changed: bool = False,
        blocked: bool = False,
    ) -> bool:
        """Sets `values` on `obj`, validates it as the admin would and saves it if anything
        differs. False when it is invalid (the problems are recorded). `blocked`: a problem is
        already recorded for it; it is still validated, so that all its problems are reported."""
        is_new = obj._state.adding
        differs = is_new or any(getattr(obj, name) != value for name, value in values.items())
        for name, value in values.items():
            setattr(obj, name, value)
        try:
            obj.full_clean()
        except ValidationError as invalid:
            for name, messages in invalid.message_dict.items():
                for message in messages:
                    self.problem(record, message, None if name == "__all__" else name)
            return False
        if blocked:
            return False
        if differs:
            obj.save()
        self._count(record.kind, created=is_new, changed=differs or also_changed)
        return True

    def _count(self, kind: str, *, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] += 1
        elif changed:
            self.updated[kind] += 1
        else:
            self.unchanged[kind] += 1

    def skill(self, record: Record) -> None:
        values = record.values
        obj = Skill.objects.filter(code=values["code"]).first() or Skill(code=values["code"])
        self.save(record, obj, {"name": values["name"]})

    def service(self, record: Record) -> None:
        values = dict(record.values)
        skill_code = values.pop("required_skill")
        skill = Skill.objects.filter(code=skill_code).first() if skill_code else None
        unknown_skill = skill_code is not None and skill is None
        if unknown_skill:
            self.problem(record, f"no skill with the code {skill_code!r}", "required_skill")
        values["required_skill_id"] = skill.pk if skill else None
        values["excluded_energies"] = sorted(values["excluded_energies"])
        obj = Service.objects.filter(code=values["code"]).first() or Service(code=values["code"])
        if not self.save(record, obj, values, blocked=unknown_skill):
            self.broken_services.add(values["code"])

    def override(self, record: Record) -> None:
        values = record.values
        service = self._service(record, values["service"], "service")
        if service is None:
            return
        obj = CategoryOverride.objects.filter(
            service=service, category=values["category"]
        ).first() or CategoryOverride(service=service, category=values["category"])
        self.save(
            record, obj, {"price": values["price"], "duration_minutes": values["duration_minutes"]}
        )

    def option(self, record: Record) -> None:
        values = dict(record.values)
        offered_for = [self._service(record, code, "services") for code in values.pop("services")]
        obj = Option.objects.filter(code=values["code"]).first() or Option(code=values["code"])
        new_ids = {service.pk for service in offered_for if service is not None}
        old_ids = set(obj.services.values_list("pk", flat=True)) if obj.pk else set()
        saved = self.save(
            record,
            obj,
            values,
            also_changed=old_ids != new_ids,
            blocked=any(service is None for service in offered_for),
        )
        if saved and old_ids != new_ids:
            obj.services.set(new_ids)

    def _service(self, record: Record, code: str, name: str) -> Service | None:
        service = Service.objects.filter(code=code).first()
        if service is None and code not in self.broken_services:
            self.problem(record, f"no service with the code {code!r}", name)
        return service


_APPLY = {
    SKILL: _Import.skill,
    SERVICE: _Import.service,
    OVERRIDE: _Import.override,
    OPTION: _Import.option,
}


def catalogue_import(
    *, content: str, fmt: str, dry_run: bool = False, actor: Any = None
) -> ImportSummary:
    """Imports a catalogue file (`fmt` "csv" or "json"). Raises CatalogueInvalid listing every
    problem (nothing is saved); with `dry_run` everything is checked and nothing is saved."""
    parsed = parse_catalogue(content, fmt=fmt)
    run = _Import(problems=list(parsed.problems), broken_services=set(parsed.broken_services))
    with transaction.atomic():
        for kind in KINDS:
            for record in parsed.records:
                if record.kind == kind:
                    _APPLY[kind](run, record)
        if run.problems:
            raise CatalogueInvalid(run.problems)
        summary = ImportSummary(
            created=run.created, updated=run.updated, unchanged=run.unchanged, dry_run=dry_run
        )
        if dry_run:
            transaction.set_rollback(True)
        elif summary.changed:
            catalogue_changed()
    return summary
