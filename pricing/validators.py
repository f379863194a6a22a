"""Field validators and constraint conditions of the catalogue models: each rule once, as the
form check (a validator) and as the database's (a check constraint condition)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Mod
from django.utils.translation import gettext_lazy as _

from pricing.domain.vocabulary import (
    DURATION_STEP_MINUTES,
    MAX_DURATION_MINUTES,
    MAX_EXTRA_MINUTES,
    MIN_DURATION_MINUTES,
    WEEKDAYS,
    is_valid_duration,
    is_valid_extra_minutes,
)
from vehicles.public import ENERGIES


def duration_q(field: str, *, nullable: bool = False) -> models.Q:
    """A duration on the 5-minute grid within SPEC §4's bounds."""
    q = models.Q(
        models.lookups.GreaterThanOrEqual(models.F(field), MIN_DURATION_MINUTES),
        models.lookups.LessThanOrEqual(models.F(field), MAX_DURATION_MINUTES),
        models.lookups.Exact(Mod(field, DURATION_STEP_MINUTES), 0),
    )
    return q | models.Q(**{f"{field}__isnull": True}) if nullable else q


def extra_minutes_q(field: str) -> models.Q:
    return models.Q(
        models.lookups.GreaterThanOrEqual(models.F(field), 0),
        models.lookups.LessThanOrEqual(models.F(field), MAX_EXTRA_MINUTES),
        models.lookups.Exact(Mod(field, DURATION_STEP_MINUTES), 0),
    )


def validate_duration(value: int) -> None:
    if not is_valid_duration(value):
        raise ValidationError(
            _("A duration is a multiple of 5 minutes between 5 and 480."), code="duration"
        )


def validate_extra_minutes(value: int) -> None:
    if not is_valid_extra_minutes(value):
        raise ValidationError(
            _("Extra minutes are a multiple of 5 between 0 and 480."), code="extra_minutes"
        )


def validate_energies(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of energy codes."), code="energies")
    unknown = sorted(set(value) - set(ENERGIES))
    if unknown:
        raise ValidationError(
            _("Unknown energies: %(unknown)s (known: %(known)s)."),
            code="energies",
            params={"unknown": ", ".join(unknown), "known": ", ".join(ENERGIES)},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each energy at most once."), code="energies")


def validate_weekdays(value: object) -> None:
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise ValidationError(_("Give a list of ISO weekday numbers (1-7)."), code="weekdays")
    if any(day not in WEEKDAYS for day in value) or len(set(value)) != len(value):
        raise ValidationError(
            _("Weekdays are distinct numbers from 1 (Monday) to 7 (Sunday)."), code="weekdays"
        )
