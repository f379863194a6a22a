"""Account rules on plain strings (no database)."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from accounts.domain.rules import PHONE_INPUT_PATTERN, PHONE_PATTERN

_TYPED = st.text(alphabet="+0123456789 ().-\t\n\u00a0a")


@given(st.one_of(st.text(), _TYPED, st.from_regex(PHONE_INPUT_PATTERN, fullmatch=True)))
# Found by CI: a trailing space counted among the digits made a too-short number pass the schema.
@example("00000 ")
@example(" 012345 ")
def test_the_schemas_phone_pattern_accepts_exactly_what_the_api_keeps_once_trimmed(
    raw: str,
) -> None:
    trimmed = raw.strip()
    kept = trimmed == "" or PHONE_PATTERN.search(trimmed) is not None
    assert (re.fullmatch(PHONE_INPUT_PATTERN, raw) is not None) is kept
