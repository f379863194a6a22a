"""The planted-violation step of CI (.ci/planted_violations.py) goes red when a plant slips
through, and only counts a plant as caught when its check names the planted code."""

from __future__ import annotations

import pytest

from tests.ci_scripts import ROOT, load

planted = load("planted_violations")


def test_every_plant_targets_code_that_exists() -> None:
    """Another change may move a module a plant writes into: the plant must be updated, not
    silently planted nowhere."""
    for item in planted.PLANTS:
        for edit in item.edits:
            assert (ROOT / edit.path).is_file() is not edit.create, (item.key, edit.path)


def test_the_issue_s_violations_are_all_planted() -> None:
    assert {"a", "b", "c", "d", "e", "f", "g"} <= {item.key for item in planted.PLANTS}
    assert len({item.key for item in planted.PLANTS}) == len(planted.PLANTS)
    assert {item.caught_by for item in planted.PLANTS} <= set(planted.CHECKS)


def _plant(markers: tuple[str, ...]) -> object:
    return planted.Plant("x", "a plant", (), "ruff", markers)


def test_a_red_check_naming_the_plant_catches_it() -> None:
    results = {"ruff": planted.Result(1, "ok\nbookings/x.py:3: TID251 banned\n", 0.1)}

    assert planted.evidence(_plant(("bookings/x.py", "TID251")), results) == (
        "bookings/x.py:3: TID251 banned"
    )


@pytest.mark.parametrize(
    ("returncode", "output"),
    [
        (1, "core/y.py:1: E501 line too long\n"),  # red for another reason
        (1, "bookings/x.py:1: E501\nTID251 elsewhere\n"),  # the markers on different lines
        (0, "bookings/x.py:3: TID251 banned\n"),  # named but green
    ],
    ids=["other-reason", "markers-apart", "green"],
)
def test_a_plant_is_not_caught_unless_its_check_is_red_and_names_it(
    returncode: int, output: str
) -> None:
    results = {"ruff": planted.Result(returncode, output, 0.1)}

    assert planted.evidence(_plant(("bookings/x.py", "TID251")), results) is None


def test_the_step_fails_when_a_plant_slips_through(capsys: pytest.CaptureFixture[str]) -> None:
    """One plant no check can see (a harmless comment) next to one the contracts catch (a module
    outside every layer): the run copies the checkout, checks the untouched copy, and is red."""
    harmless = planted.Plant(
        "decoy",
        "a harmless comment",
        (planted.Edit("bookings/apps.py", "# nothing wrong here\n"),),
        "lint-imports",
        ("bookings.apps",),
    )
    new_module = next(item for item in planted.PLANTS if item.key == "f")

    assert planted.run([harmless, new_module]) == 1

    out = capsys.readouterr().out
    assert "baseline (untouched copy): green" in out
    assert "NOT CAUGHT (decoy) a harmless comment: lint-imports did not name it" in out
    assert "CAUGHT     (f) a new module outside every layer" in out
    assert "planted violations: 1/2 caught, baseline green" in out
    assert out.rstrip().endswith(": FAILED")
