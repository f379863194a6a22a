"""Plate rules on plain strings (no database)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vehicles.domain.plates import (
    RAW_PLATE_PATTERN,
    display_plate,
    is_valid_plate,
    normalise_plate,
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("ab-123-cd", "AB123CD"),
        ("AB 123 CD", "AB123CD"),
        ("ab.123.cd", "AB123CD"),
        ("  Ab - 123 . cD\t", "AB123CD"),
        ("1234 ab 56", "1234AB56"),
        ("B-MW 1234", "BMW1234"),
        ("a\u00a0b", "AB"),  # a non-breaking space pasted from a document is a separator too
    ],
)
def test_separators_go_and_letters_are_upper_cased(raw: str, stored: str) -> None:
    assert normalise_plate(raw) == stored
    assert is_valid_plate(stored)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "A",  # one character
        "-- . --",  # nothing left
        "ABCDEFGHIJKLM",  # 13 characters
        "AB#123CD",  # not a separator: refused, not dropped
        "AB_123_CD",
        "ÉCOLE1",  # accented letters are not on plates
        "STRAßE1",  # upper-casing would invent "SS"
        "１２３AB",  # full-width digits
        "AB\x00123",
    ],
)
def test_invalid_plates_are_refused(raw: str) -> None:
    assert not is_valid_plate(normalise_plate(raw))


def test_length_bounds_are_counted_after_normalising() -> None:
    assert is_valid_plate(normalise_plate("a-b"))
    assert is_valid_plate(normalise_plate("AB-CDE-FGH-IJK-L"))  # 12 once the dashes go


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("AB123CD", "AB-123-CD"),
        ("ZZ999ZZ", "ZZ-999-ZZ"),
        ("1234AB56", "1234AB56"),  # old French FNI form: shown as stored
        ("AB1234CD", "AB1234CD"),
        ("A123BCD", "A123BCD"),
        ("BMW1234", "BMW1234"),
    ],
)
def test_only_the_french_siv_form_gets_dashes(stored: str, shown: str) -> None:
    assert display_plate(stored) == shown


@given(st.text())
def test_normalising_is_idempotent(raw: str) -> None:
    once = normalise_plate(raw)
    assert normalise_plate(once) == once


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -."))
def test_a_plate_typed_from_letters_digits_and_separators_keeps_its_characters(raw: str) -> None:
    stored = normalise_plate(raw)
    assert stored == "".join(c.upper() for c in raw if c.isalnum())
    assert is_valid_plate(stored) == (2 <= len(stored) <= 12)


@given(st.from_regex(r"[A-Z]{2}[0-9]{3}[A-Z]{2}", fullmatch=True))
def test_siv_display_normalises_back_to_the_stored_plate(stored: str) -> None:
    shown = display_plate(stored)
    assert shown[2] == shown[6] == "-"
    assert normalise_plate(shown) == stored


_TYPED = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.\t\u00a0ßé#"
)


@given(st.one_of(st.text(), _TYPED, st.from_regex(RAW_PLATE_PATTERN, fullmatch=True)))
def test_the_schemas_plate_pattern_accepts_exactly_what_normalises_to_a_valid_plate(
    raw: str,
) -> None:
    assert (re.fullmatch(RAW_PLATE_PATTERN, raw) is not None) is is_valid_plate(
        normalise_plate(raw)
    )
