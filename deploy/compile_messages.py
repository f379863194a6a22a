#!/usr/bin/env python3
"""Compiles every locale/*/LC_MESSAGES/*.po into its .mo with Babel (pure Python), so that a fresh
machine needs no GNU gettext tools (`manage.py compilemessages` needs msgfmt)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    compiled = 0
    for po_path in sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        compiled += 1
    print(f"Compiled {compiled} message catalogue(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
