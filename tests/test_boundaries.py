"""The boundary checks of .ci/boundaries.py: the project keeps them, and each one sees what it is
for (a cycle, a model behind a re-export, a reach through the ORM's metadata, a missing contract).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grimp
import pytest

from tests.ci_scripts import ROOT, load

boundaries = load("boundaries")


def test_the_project_keeps_every_boundary() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "boundaries.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": KEPT") == len(boundaries.SECTIONS)


def test_a_cycle_is_printed_with_its_modules_and_lines() -> None:
    graph = grimp.ImportGraph()
    for importer, imported, line in [
        ("app.a", "app.b", 3),
        ("app.b", "app.c", 7),
        ("app.c", "app.a", 11),
        ("app.d", "app.a", 1),  # into the cycle, not part of it
    ]:
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="import"
        )

    assert boundaries.import_cycles(graph) == [
        "import cycle (3 modules): app.a (l.3) -> app.b (l.7) -> app.c (l.11) -> app.a"
    ]


def test_an_acyclic_graph_has_no_cycle() -> None:
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.a", imported="app.b", line_number=1, line_contents="import")
    graph.add_import(importer="app.c", imported="app.b", line_number=1, line_contents="import")

    assert boundaries.import_cycles(graph) == []


def test_the_shortest_cycle_of_a_tangle_is_shown() -> None:
    edges = {"a": {"b", "c"}, "b": {"c"}, "c": {"a", "d"}, "d": {"b"}}

    components = boundaries.strongly_connected(edges)

    assert components == [["a", "b", "c", "d"]]
    assert boundaries.shortest_cycle(edges, components[0]) == ["a", "c", "a"]


def test_bindings_skip_type_checking_and_resolve_relative_imports() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING
            import scheduling.public
            from . import selectors as own
            from ..pricing import public as pricing

            if TYPE_CHECKING:
                from scheduling.models import Site

            def later():
                from vehicles.public import CATEGORIES
            """
        )
    )

    bindings = boundaries.runtime_bindings(tree, "bookings.api.views", is_package=False)

    assert {(b.name, b.target) for b in bindings} == {
        ("TYPE_CHECKING", "typing.TYPE_CHECKING"),
        ("scheduling", "scheduling"),
        ("own", "bookings.api.selectors"),
        ("pricing", "bookings.pricing.public"),
        ("CATEGORIES", "vehicles.public.CATEGORIES"),
    }


def test_attribute_chains_are_read_whole() -> None:
    tree = ast.parse("rows = sites.Site.objects.all()\nname = other.sites.x\n")

    assert list(boundaries.attribute_chains(tree, "sites")) == [(["Site", "objects", "all"], 1)]


def test_a_project_model_its_manager_and_a_row_are_orm_objects() -> None:
    from django.contrib.auth.models import Group

    from scheduling.models import Site

    apps = ["scheduling"]
    assert boundaries.orm_object(Site, apps) == "scheduling.models.Site"
    assert boundaries.orm_object(Site.objects, apps) == "scheduling.models.Site"
    assert boundaries.orm_object(Site(name="x"), apps) == "scheduling.models.Site"
    assert boundaries.orm_object(Group, apps) is None  # Django's own, not an app's
    assert boundaries.orm_object(Site, ["bookings"]) is None
    assert boundaries.orm_object("Site", apps) is None


def test_a_vehicle_model_with_a_model_field_is_still_a_model() -> None:
    from vehicles.models import Vehicle  # its `model` field must not be mistaken for the model

    assert boundaries.orm_object(Vehicle, ["vehicles"]) == "vehicles.models.Vehicle"


def test_a_reach_through_the_orm_metadata_is_found(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "admin.py").write_text(
        "def choices(field):\n"
        "    return field.remote_field.model._default_manager.all()\n"
        "def also(model):\n"
        "    return model._meta.get_field('x').related_model\n"
    )
    (tmp_path / "app" / "migrations").mkdir()
    (tmp_path / "app" / "migrations" / "0001.py").write_text("x = apps._default_manager\n")

    findings = boundaries.orm_metadata_reach(tmp_path, ["app"])

    assert [finding.split(" reach")[0] for finding in findings] == [
        "app/admin.py:2: ._default_manager, .remote_field",
        "app/admin.py:4: .related_model",
    ]


def test_the_contracts_cover_every_app() -> None:
    options = boundaries.import_linter_options(ROOT)

    assert boundaries.contract_coverage(ROOT, options) == []


@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (
            lambda c: c["type"] == "protected" and c["protected_modules"] == ["pricing"],
            "pricing has no protected contract",
        ),
        (
            lambda c: c["type"] == "layers" and c.get("containers") == ["pricing"],
            "pricing has no exhaustive layers contract",
        ),
    ],
    ids=["protection", "layers"],
)
def test_an_app_without_its_contract_is_reported(
    change: Callable[[dict[str, Any]], bool], finding: str
) -> None:
    options = boundaries.import_linter_options(ROOT)
    options["contracts"] = [c for c in options["contracts"] if not change(c)]

    findings = boundaries.contract_coverage(ROOT, options)

    assert len(findings) == 1
    assert findings[0].startswith(finding)


def test_a_protected_contract_that_lets_another_module_through_is_reported() -> None:
    options = boundaries.import_linter_options(ROOT)
    for contract in options["contracts"]:
        if contract["type"] == "protected" and contract["protected_modules"] == ["pricing"]:
            contract["ignore_imports"].append("** -> pricing.models")

    assert boundaries.contract_coverage(ROOT, options)[0].startswith(
        "pricing has no protected contract"
    )


def test_a_non_exhaustive_layers_contract_is_reported() -> None:
    options = boundaries.import_linter_options(ROOT)
    for contract in options["contracts"]:
        if contract.get("containers") == ["pricing"]:
            contract["exhaustive"] = False

    assert boundaries.contract_coverage(ROOT, options) == [
        "pricing has no exhaustive layers contract (containers = ['pricing'])"
    ]


def test_an_app_outside_the_root_packages_is_reported(tmp_path: Path) -> None:
    (tmp_path / "invoices").mkdir()
    (tmp_path / "invoices" / "__init__.py").write_text("")
    (tmp_path / "invoices" / "apps.py").write_text("")
    options = boundaries.import_linter_options(ROOT)
    options["contracts"] = []
    options["root_packages"] = ["config", "core"]

    assert boundaries.contract_coverage(tmp_path, options) == [
        "invoices is a Django app outside import-linter's root_packages"
    ]


def test_a_model_reached_through_a_re_export_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # model_reach puts its root first
    (tmp_path / "bookings").mkdir()
    (tmp_path / "bookings" / "views.py").write_text(
        textwrap.dedent(
            """
            from typing import TYPE_CHECKING

            from scheduling import models as scheduling_models
            from scheduling.public import site_policy_by_pk
            from vehicles.models import Vehicle

            if TYPE_CHECKING:
                from scheduling.models import Site  # annotations only: allowed

            def rows():
                return scheduling_models.Site.objects.all(), site_policy_by_pk, Vehicle
            """
        )
    )

    findings = boundaries.model_reach(tmp_path, ["bookings", "scheduling", "vehicles"])

    assert [finding.partition(" is ")[0] for finding in findings] == [
        "bookings/views.py:6: Vehicle (vehicles.models.Vehicle)",
        "bookings/views.py:12: scheduling_models.Site",
    ]
    assert "a model of vehicles (vehicles.models.Vehicle)" in findings[0]
    assert "through the module scheduling.models" in findings[1]
