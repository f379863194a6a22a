"""The boundary checks import-linter cannot express (run by .ci/run and .ci/planted_violations.py).

1. No import cycle among the project's modules: the grimp graph import-linter builds (imports
   under TYPE_CHECKING excluded, imports inside functions included), each cycle printed.
2. No model of another app reached through a re-export: a name imported from another app (its
   public module, in practice) must not be a model, manager or queryset, nor a module that leads
   to one (`from scheduling.public import sites` then `sites.Site`). import-linter only sees that
   the public module was imported; this resolves what the import binds.
3. No reach behind an app's back through the ORM's metadata: `remote_field`, `related_model`,
   `_default_manager`, `_base_manager` in app code (ask the other app's public module instead).
4. The import contracts cover every app: each project package is a root package of
   import-linter, each app has its exhaustive layers contract and its protected contract.

Usage: python .ci/boundaries.py [contracts|cycles|models|metadata ...]  (no section: all of them)
From any directory: it checks the checkout it lives in.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ("config", "core")  # the composition root and the kernel: not apps
ORM_METADATA = ("remote_field", "related_model", "_default_manager", "_base_manager")


def import_linter_options(root: Path) -> dict[str, Any]:
    with (root / "pyproject.toml").open("rb") as file:
        options: dict[str, Any] = tomllib.load(file)["tool"]["importlinter"]
    return options


def apps_of(options: dict[str, Any]) -> list[str]:
    return [package for package in options["root_packages"] if package not in SHARED]


def python_files(root: Path, packages: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """(package, file) for every module of the packages, migrations left out (Django writes
    them; they reach models through the historical `apps` by design)."""
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.relative_to(root).parts:
                yield package, path


# 1. Import cycles ----------------------------------------------------------------------------


def import_graph(root: Path, packages: list[str]) -> Any:
    import grimp

    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return grimp.build_graph(
        *packages,
        exclude_type_checking_imports=True,
        include_external_packages=False,
        cache_dir=None,
    )


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges.get(successor, ())))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def shortest_cycle(edges: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module, as [m0, m1, ..., m0]."""
    members = set(component)
    start = component[0]
    parents: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for successor in sorted(edges.get(node, ())):
                if successor == start:
                    path = [start, node]
                    while path[-1] != start:
                        path.append(parents[path[-1]])
                    return [*reversed(path[1:]), start]
                if successor in members and successor not in parents:
                    parents[successor] = node
                    following.append(successor)
        frontier = following
    raise AssertionError(f"{start} is in a component without a cycle")


def import_cycles(graph: Any) -> list[str]:
    edges = {
        module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }
    findings = []
    for component in strongly_connected(edges):
        if len(component) < 2:
            continue
        cycle = shortest_cycle(edges, component)
        steps = []
        for importer, imported in itertools.pairwise(cycle):
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = sorted({detail["line_number"] for detail in details})
            steps.append(f"{importer} (l.{', '.join(map(str, lines))})")
        findings.append(
            f"import cycle ({len(component)} modules): {' -> '.join(steps)} -> {cycle[0]}"
        )
    return findings


# 2. Models reached across apps through a re-export --------------------------------------------


@dataclass(frozen=True)
class Binding:
    """A name bound at run time by an import statement to `target` (a dotted path)."""

    name: str
    target: str
    line: int


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, except the bodies of `if TYPE_CHECKING:` (annotations only)."""
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            pending.extend(node.orelse)
            continue
        pending.extend(ast.iter_child_nodes(node))


def runtime_bindings(tree: ast.AST, module: str, is_package: bool) -> list[Binding]:
    bindings = []
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bindings.append(Binding(alias.asname, alias.name, node.lineno))
                else:
                    top = alias.name.partition(".")[0]
                    bindings.append(Binding(top, top, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module if is_package else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                if alias.name != "*":
                    bindings.append(
                        Binding(alias.asname or alias.name, f"{base}.{alias.name}", node.lineno)
                    )
    return bindings


def attribute_chains(tree: ast.AST, name: str) -> Iterator[tuple[list[str], int]]:
    """Every `name.a.b...` in the module (outer-most chains only), as (["a", "b"], line)."""
    inner: set[int] = set()
    for node in _runtime_nodes(tree):
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        chain = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            inner.add(id(current.value))
            chain.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id == name:
            yield list(reversed(chain)), node.lineno


def resolve(target: str) -> object:
    """What `from a.b import c` binds for target "a.b.c" (the attribute, else the submodule)."""
    parent, _, attribute = target.rpartition(".")
    if not parent:
        return importlib.import_module(target)
    owner = importlib.import_module(parent)
    if hasattr(owner, attribute):
        return getattr(owner, attribute)
    return importlib.import_module(target)


def orm_object(value: object, apps: Iterable[str]) -> str | None:
    """The dotted name of the project model behind a model class, row, manager or queryset."""
    from django.db import models

    model: Any
    if isinstance(value, type) and issubclass(value, models.Model):
        model = value
    elif isinstance(value, models.Model):
        model = type(value)
    elif isinstance(value, models.Manager | models.QuerySet):
        model = value.model
    else:
        return None
    if model is None or model.__module__.partition(".")[0] not in apps:
        return None
    return f"{model.__module__}.{model.__qualname__}"


def model_reach(root: Path, apps: list[str]) -> list[str]:
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.apps import apps as registry

    if not registry.ready:
        django.setup()
    findings = []
    for app, path in python_files(root, apps):
        relative = path.relative_to(root)
        module = ".".join(relative.with_suffix("").parts)
        is_package = path.name == "__init__.py"
        if is_package:
            module = module.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for binding in runtime_bindings(tree, module, is_package):
            owner = binding.target.partition(".")[0]
            if owner not in apps or owner == app:
                continue
            try:
                value = resolve(binding.target)
            except (ImportError, AttributeError) as exc:
                findings.append(f"{relative}:{binding.line}: {binding.target} unresolved: {exc}")
                continue
            reached = orm_object(value, apps)
            if reached:
                findings.append(
                    f"{relative}:{binding.line}: {binding.name} ({binding.target}) is a model of "
                    f"{owner} ({reached}): ask {owner}.public for values, never for its ORM"
                )
            if not isinstance(value, ModuleType):
                continue
            for chain, line in attribute_chains(tree, binding.name):
                current: object = value
                for step, attribute in enumerate(chain, start=1):
                    if not hasattr(current, attribute):
                        break
                    current = getattr(current, attribute)
                    reached = orm_object(current, apps)
                    if reached:
                        shown = ".".join([binding.name, *chain[:step]])
                        findings.append(
                            f"{relative}:{line}: {shown} is a model of {owner} ({reached}), "
                            f"reached through the module {value.__name__}: ask {owner}.public "
                            "for values"
                        )
                        break
    return findings


# 3. Reach through the ORM's metadata -----------------------------------------------------------


def orm_metadata_reach(root: Path, packages: list[str]) -> list[str]:
    findings = []
    for _package, path in python_files(root, packages):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        by_line: dict[int, list[str]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ORM_METADATA:
                by_line.setdefault(node.lineno, []).append(f".{node.attr}")
        for line, reached in sorted(by_line.items()):
            findings.append(
                f"{path.relative_to(root)}:{line}: {', '.join(sorted(reached))} reach a model "
                "behind its app's public API (another app: its public module; this app: .objects)"
            )
    return findings


# 4. The contracts cover every app --------------------------------------------------------------


def contract_coverage(root: Path, options: dict[str, Any]) -> list[str]:
    findings = []
    roots = set(options["root_packages"])
    for path in sorted(root.iterdir()):
        is_app = (path / "__init__.py").exists() and (path / "apps.py").exists()
        if is_app and path.name not in roots:
            findings.append(f"{path.name} is a Django app outside import-linter's root_packages")
    contracts = options.get("contracts", [])
    for app in apps_of(options):
        layered = [
            c
            for c in contracts
            if c.get("type") == "layers" and c.get("containers") == [app] and c.get("exhaustive")
        ]
        if not layered:
            findings.append(f"{app} has no exhaustive layers contract (containers = [{app!r}])")
        protected = {
            "type": "protected",
            "protected_modules": [app],
            "allowed_importers": [app, "config"],
            "ignore_imports": [f"** -> {app}.public"],
        }
        if not any(all(c.get(key) == value for key, value in protected.items()) for c in contracts):
            findings.append(
                f"{app} has no protected contract with protected_modules = [{app!r}], "
                f"allowed_importers = [{app!r}, 'config'], ignore_imports = ['** -> {app}.public']"
            )
    return findings


SECTIONS = {
    "contracts": "contracts cover every app",
    "cycles": "no import cycle",
    "models": "no model reached across apps through a re-export",
    "metadata": "no reach through the ORM's metadata",
}


def findings_of(section: str, options: dict[str, Any]) -> list[str]:
    if section == "contracts":
        return contract_coverage(ROOT, options)
    if section == "cycles":
        return import_cycles(import_graph(ROOT, options["root_packages"]))
    if section == "models":
        return model_reach(ROOT, apps_of(options))
    return orm_metadata_reach(ROOT, options["root_packages"])


def main(argv: list[str]) -> int:
    """Every section, or only those named (the planted-violation step runs one per plant)."""
    unknown = set(argv) - set(SECTIONS)
    if unknown:
        print(f"unknown sections {sorted(unknown)}; known: {', '.join(SECTIONS)}")
        return 2
    options = import_linter_options(ROOT)
    broken = 0
    for section in argv or SECTIONS:
        findings = findings_of(section, options)
        print(f"{SECTIONS[section]}: {'BROKEN' if findings else 'KEPT'}")
        for finding in findings:
            print(f"  {finding}")
        broken += bool(findings)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
