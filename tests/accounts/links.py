"""What the account e-mails link to."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit


def token_of(message: Any) -> str:
    """The `token` of the first link in an e-mail's text body."""
    link = re.search(r"https?://\S+", message.body)
    assert link, message.body
    return parse_qs(urlsplit(link.group(0)).query)["token"][0]
