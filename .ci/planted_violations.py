"""Proves the boundary checks bite: plants each known violation in a scratch copy of the checkout,
runs the linters there, and fails unless every plant is caught by the check meant to catch it.

The copy is first checked untouched (it must be green, or a red plant proves nothing); then each
plant gets its own copy, all run in parallel. A plant counts as caught only when its check fails
with a line naming the planted code, not merely when something somewhere is red.

Usage: python .ci/planted_violations.py [--only a,g] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Caches are left off: a plant must be judged on its own copy, never on a previous run's graph.
CHECKS: dict[str, list[str]] = {
    "lint-imports": [str(BIN / "lint-imports"), "--no-cache"],
    "ruff": [str(BIN / "ruff"), "check", "--no-cache", "--output-format", "concise", "."],
    "boundaries": [sys.executable, ".ci/boundaries.py"],
}


@dataclass(frozen=True)
class Edit:
    path: str
    text: str
    create: bool = False  # a new file, else appended to an existing one


@dataclass(frozen=True)
class Plant:
    key: str
    title: str
    edits: tuple[Edit, ...]
    caught_by: str
    markers: tuple[str, ...]  # all on one line of that check's output
    arguments: tuple[str, ...] = ()  # narrow the check to what the plant breaks (speed)


def _function(name: str, body: str) -> str:
    lines = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f"\n\ndef {name}() -> object:\n{lines}"


PLANTS: tuple[Plant, ...] = (
    Plant(
        "a",
        "a view imports another app's model through a re-export",
        (
            Edit(
                "scheduling/public.py", "\nfrom scheduling.models import Site  # noqa: E402, F401\n"
            ),
            Edit(
                "bookings/api/views.py",
                _function(
                    "planted_sites",
                    "from scheduling.public import Site\n\nreturn Site.objects.all()",
                ),
            ),
        ),
        "boundaries",
        ("bookings/api/views.py", "scheduling.models.Site"),
        ("models",),
    ),
    Plant(
        "a2",
        "a view reaches another app's model through a re-exported module",
        (
            Edit(
                "scheduling/public.py",
                "\nfrom scheduling import models as scheduling_models  # noqa: E402, F401\n",
            ),
            Edit(
                "bookings/api/views.py",
                _function(
                    "planted_sites",
                    "from scheduling.public import scheduling_models\n\n"
                    "return scheduling_models.Site.objects.all()",
                ),
            ),
        ),
        "boundaries",
        ("bookings/api/views.py", "scheduling_models.Site", "scheduling.models.Site"),
        ("models",),
    ),
    Plant(
        "b",
        "a service imports admin code",
        (
            Edit(
                "bookings/services/__init__.py",
                _function(
                    "planted_admin",
                    "from bookings.admin import BookingAdmin\n\nreturn BookingAdmin",
                ),
            ),
        ),
        "lint-imports",
        ("bookings.services -> bookings.admin",),
    ),
    Plant(
        "c",
        "apps.get_model in a selector",
        (
            Edit(
                "scheduling/selectors/__init__.py",
                _function(
                    "planted_by_name",
                    'from django.apps import apps\n\nreturn apps.get_model("bookings", "Booking")',
                ),
            ),
        ),
        "ruff",
        ("scheduling/selectors/__init__.py", "TID251", "django.apps.apps.get_model"),
    ),
    Plant(
        "d",
        "a domain module imports Django",
        (
            Edit(
                "scheduling/domain/__init__.py",
                _function(
                    "planted_now", "from django.utils import timezone\n\nreturn timezone.now()"
                ),
            ),
        ),
        "lint-imports",
        ("scheduling.domain -> django",),
    ),
    Plant(
        "e",
        "an app imports another app's private module",
        (
            Edit(
                "bookings/apps.py",
                _function("planted_private", "from scheduling import services\n\nreturn services"),
            ),
        ),
        "lint-imports",
        ("bookings.apps -> scheduling.services",),
    ),
    Plant(
        "e2",
        "an app imports another app's package itself (its __init__)",
        (
            Edit(
                "bookings/apps.py",
                _function("planted_package", "import scheduling\n\nreturn scheduling"),
            ),
        ),
        "lint-imports",
        ("bookings.apps -> scheduling ",),
    ),
    Plant(
        "f",
        "a new module outside every layer",
        (Edit("bookings/helpers.py", '"""Planted: placed in no layer."""\n', create=True),),
        "lint-imports",
        ("bookings.helpers",),
    ),
    Plant(
        "g",
        "an import cycle",
        (
            Edit(
                "core/clock.py",
                _function("planted_errors", "from core import errors\n\nreturn errors"),
            ),
            Edit(
                "core/errors.py",
                _function("planted_clock", "from core import clock\n\nreturn clock"),
            ),
        ),
        "boundaries",
        ("import cycle", "core.clock", "core.errors"),
        ("cycles",),
    ),
    Plant(
        "h",
        "a reach into another app's model through remote_field / _default_manager",
        (
            Edit(
                "bookings/apps.py",
                _function(
                    "planted_related",
                    "from bookings.models import Booking\n\n"
                    'field = Booking._meta.get_field("site")\n'
                    "return field.remote_field.model._default_manager.all()",
                ),
            ),
        ),
        "boundaries",
        ("bookings/apps.py", "remote_field"),
        ("metadata",),
    ),
    Plant(
        "i",
        "get_user_model in another app's service",
        (
            Edit(
                "pricing/services/__init__.py",
                _function(
                    "planted_users",
                    "from django.contrib.auth import get_user_model\n\nreturn get_user_model()",
                ),
            ),
        ),
        "ruff",
        ("pricing/services/__init__.py", "TID251", "get_user_model"),
    ),
)


def copy_checkout(destination: Path) -> None:
    """The working tree's Python and configuration as git sees it (tracked and new files, nothing
    ignored: no .venv, no caches); templates, docs and the lock are not needed by the checks."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and (name.endswith(".py") or name in {"pyproject.toml"}):
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def plant(copy: Path, edits: Sequence[Edit]) -> None:
    for edit in edits:
        path = copy / edit.path
        if edit.create:
            if path.exists():
                raise SystemExit(f"plant target {edit.path} already exists: update the plant")
            path.write_text(edit.text, encoding="utf-8")
        else:
            if not path.is_file():
                raise SystemExit(f"plant target {edit.path} is gone: update the plant")
            text = path.read_text(encoding="utf-8")
            path.unlink()  # a hard link to the baseline's file: write a file of its own
            path.write_text(text + edit.text, encoding="utf-8")


@dataclass(frozen=True)
class Result:
    returncode: int
    output: str
    seconds: float


def run_checks(
    copy: Path, names: Sequence[str] = tuple(CHECKS), arguments: Sequence[str] = ()
) -> dict[str, Result]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # Wide lines: import-linter wraps at the terminal width, markers must stay on one line.
    env |= {"COLUMNS": "250", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    results = {}
    for name in names:
        command = [*CHECKS[name], *arguments]
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=copy, env=env, capture_output=True, text=True, check=False
        )
        results[name] = Result(
            done.returncode, done.stdout + done.stderr, time.monotonic() - started
        )
    return results


def evidence(item: Plant, results: dict[str, Result]) -> str | None:
    result = results[item.caught_by]
    if result.returncode == 0:
        return None
    for line in result.output.splitlines():
        if all(marker in line for marker in item.markers):
            return line.strip()
    return None


def run(plants: Sequence[Plant], *, keep: bool = False) -> int:
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="planted-violations-"))
    try:
        baseline = scratch / "baseline"
        copy_checkout(baseline)
        copies = {}
        for item in plants:
            copies[item.key] = scratch / item.key
            shutil.copytree(baseline, copies[item.key], copy_function=os.link)
            plant(copies[item.key], item.edits)
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
            clean_future = pool.submit(run_checks, baseline)
            # Only the check meant to catch the plant runs on its copy: seconds, not minutes.
            futures = {
                item.key: pool.submit(
                    run_checks, copies[item.key], (item.caught_by,), item.arguments
                )
                for item in plants
            }
            clean = clean_future.result()
            outcomes = {key: future.result() for key, future in futures.items()}
        failed = caught = 0
        red = [name for name, result in clean.items() if result.returncode != 0]
        timings = ", ".join(f"{name} {result.seconds:.1f} s" for name, result in clean.items())
        print(f"baseline (untouched copy): {'red' if red else 'green'}; {timings}")
        if red:
            failed += 1
            print(f"BASELINE RED ({', '.join(red)}): the untouched copy must pass first")
            for name in red:
                print(f"--- {name}\n{clean[name].output}")
        for item in plants:
            results = outcomes[item.key]
            line = evidence(item, results)
            if line is not None:
                caught += 1
                took = results[item.caught_by].seconds
                print(f"CAUGHT     ({item.key}) {item.title}: {item.caught_by}, {took:.1f} s")
                print(f"    {line}")
            else:
                failed += 1
                print(f"NOT CAUGHT ({item.key}) {item.title}: {item.caught_by} did not name it")
                print(f"--- {item.caught_by} output\n{results[item.caught_by].output}")
        verdict = "FAILED" if failed else "ok"
        print(
            f"planted violations: {caught}/{len(plants)} caught, "
            f"baseline {'red' if red else 'green'}, {time.monotonic() - started:.1f} s: {verdict}"
        )
        return 1 if failed else 0
    finally:
        if keep:
            print(f"scratch copies kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated plant keys (default: all)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch copies")
    args = parser.parse_args()
    plants = PLANTS
    if args.only:
        keys = set(args.only.split(","))
        plants = tuple(item for item in PLANTS if item.key in keys)
        if unknown := keys - {item.key for item in plants}:
            parser.error(f"unknown plants: {', '.join(sorted(unknown))}")
    return run(plants, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
