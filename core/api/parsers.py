"""The API's one body parser: JSON that every later layer can handle, or a 400 envelope.

Python's json accepts what the rest of the stack cannot: nesting deep enough to exhaust the
recursion limit (RecursionError, a 500) and lone UTF-16 surrogates ("\\ud800"), which no UTF-8
encoder writes (PostgreSQL, a log line, an e-mail: UnicodeEncodeError, a 500). Both are refused
here, once, for every field of every endpoint, before any serializer or throttle reads the body.
The body's size is bounded before it is read (DATA_UPLOAD_MAX_MEMORY_SIZE: 413)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Our bodies are two or three levels deep; anything near this is not a client of ours.
MAX_DEPTH = 20
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonTooDeep(ParseError):
    default_code = "json_too_deep"

    def __init__(self) -> None:
        super().__init__(
            _("The JSON body is nested too deeply (at most %(depth)d levels).")
            % {"depth": MAX_DEPTH}
        )


class InvalidText(ParseError):
    default_detail = gettext_lazy(
        "A text in the JSON body holds a lone UTF-16 surrogate, which is not a character."
    )
    default_code = "invalid_text"


def check_json(value: Any) -> None:
    """Raises JsonTooDeep or InvalidText; walks without recursion (the value may be deep)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise InvalidText()
            continue
        if not isinstance(item, Mapping | list):
            continue
        if depth > MAX_DEPTH:
            raise JsonTooDeep()
        if isinstance(item, Mapping):
            for key, child in item.items():
                stack.append((key, depth))
                stack.append((child, depth + 1))
        else:
            stack.extend((child, depth + 1) for child in item)


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise JsonTooDeep() from None
        check_json(data)
        return data
