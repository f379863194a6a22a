"""The README sends a reader of a fresh clone only to what the clone holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _referenced_paths(text: str) -> set[str]:
    links = re.findall(r"\]\(([^)#\s]+)\)", text)  # [text](target)
    documents = re.findall(r"`([^`\s]+\.md)`", text)  # a document named in a code span
    return {target for target in [*links, *documents] if "://" not in target}


def test_every_document_the_readme_names_is_inside_the_repository() -> None:
    referenced = _referenced_paths(README.read_text(encoding="utf-8"))
    outside_or_missing = sorted(
        target
        for target in referenced
        if not (ROOT / target).resolve().is_relative_to(ROOT) or not (ROOT / target).exists()
    )
    assert outside_or_missing == []
    assert "docs/SPEC.md" in referenced  # the product rules
