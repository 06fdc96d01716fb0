"""The house's layers as rules over the import graph of the ``sohoa`` package.

docs/architecture.md draws the rooms; this module is the same drawing as something a test can
check. It reads every module's source with ``ast`` (nothing is imported, so a module that fails to
import still gets checked) and collects every ``import``, module-level or inside a function:
a function-local import is a dependency all the same, only a later one.

Rank (an arrow may only point to an equal or lower rank, and equal only within one room):

    4  faces      cli/, api/, __main__     talk to pipeline/ (and the shared modules) only;
                                          a face may start another (``sohoa serve`` → api/)
    3  pipeline/                          wires the rooms below
    2  scanners/ ocr/ signing/ archive/    never import each other
    1  pdf/                               PDF/A making, used by the rooms above
    0  shared     errors, records, vntext, clock, idcodes, doctypes, quiet, reasons, roles,
                  vocabulary: import no room

``synth/`` (the synthetic-scan generator) stands beside the house: it may use the shared
modules, and only the ``sohoa synth`` command (cli/) may import it; no product room does.
A package or module of ``sohoa`` that is not named here is itself a violation, so a new room
has to be placed in the drawing before it can be used.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# "__init__" is the sohoa package itself (its version string)
SHARED = frozenset({"errors", "records", "vntext", "clock", "idcodes", "doctypes", "procedures",
                    "quiet", "reasons", "roles", "vocabulary",
                    "__init__"})
FACES = frozenset({"cli", "api", "__main__"})
LOWER = frozenset({"scanners", "ocr", "signing", "archive"})
RANK = {
    **{name: 4 for name in FACES},
    "pipeline": 3,
    **{name: 2 for name in LOWER},
    "pdf": 1,
    **{name: 0 for name in SHARED},
}
SYNTH = "synth"
SYNTH_USERS = frozenset({"cli", SYNTH})


@dataclass(frozen=True)
class Edge:
    """One import statement's target: ``source`` imports ``target`` at ``path:line``."""

    source: str
    target: str
    path: str
    line: int
    typing_only: bool = False  # under ``if TYPE_CHECKING:``: never executed


@dataclass(frozen=True)
class Violation:
    rule: str
    edge: Edge | None
    detail: str
    cycle: tuple[str, ...] = ()  # the modules of an import cycle, sorted

    @property
    def subject(self) -> str:
        """The importing module, or the modules of a cycle: what a fix has to change."""
        return " ".join(self.cycle) if self.cycle else self.edge.source if self.edge else ""

    def __str__(self) -> str:
        where = f"{self.edge.path}:{self.edge.line}: " if self.edge else ""
        return f"{where}{self.rule}: {self.detail}"


def module_names(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package under ``root`` (the directory holding ``package``)."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """The longest known module that ``name`` (a dotted module or module.attribute) is in."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name


def imports(root: Path, package: str) -> Iterator[Edge]:
    """Every import of a ``package`` module by a ``package`` module, function-local ones too."""
    modules = module_names(root, package)
    for source, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        typing_only = {id(inner) for node in ast.walk(tree) if _is_type_checking(node)
                       for stmt in node.body for inner in ast.walk(stmt)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    # from .x import y: relative to the importing module's package
                    anchor = source.split(".")
                    drop = node.level - 1 if is_package else node.level
                    anchor = anchor[: len(anchor) - drop] if drop else anchor
                    base = ".".join([*anchor, base] if base else anchor)
                # "from a import b" names module a.b when b is a submodule, else a itself
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] != package:
                    continue
                target = _resolve(name, modules)
                if target and target != source:
                    yield Edge(source, target, str(path.relative_to(root)), node.lineno,
                               id(node) in typing_only)


def _is_type_checking(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def room(module: str) -> str:
    """``sohoa.ocr.fields`` → ``ocr``; ``sohoa.errors`` → ``errors``; ``sohoa`` → ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rule(edge: Edge) -> Violation | None:
    src, dst = room(edge.source), room(edge.target)
    if src == dst:
        return None
    for name in (src, dst):
        if name not in RANK and name != SYNTH:
            return Violation("unplaced room", edge,
                             f"'{name}' is not in the layer rules (tests/layercheck.py)")
    if dst == SYNTH:
        if src in SYNTH_USERS:
            return None
        return Violation("synth import", edge,
                         f"{edge.source} imports {edge.target}: no product room imports synth/")
    if src == SYNTH:
        if dst in SHARED:
            return None
        return Violation("synth import", edge,
                         f"{edge.source} imports {edge.target}: synth/ uses the shared modules "
                         "only")
    if RANK[dst] > RANK[src]:
        return Violation("upward import", edge,
                         f"{edge.source} ({src}) imports {edge.target} ({dst})")
    if src in LOWER and dst in LOWER:
        return Violation("sibling import", edge,
                         f"{edge.source} imports {edge.target}: {src}/ and {dst}/ never import "
                         "each other (pipeline/ wires them)")
    if src in FACES and dst not in SHARED and dst not in FACES and dst != "pipeline":
        return Violation("face bypasses pipeline", edge,
                         f"{edge.source} imports {edge.target}: faces go through pipeline/")
    return None


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Import cycles among the modules of one room (strongly connected components, Tarjan).

    Function-local imports count (they run, only later); imports under ``if TYPE_CHECKING:``
    do not, since they never run: a module may name the type of the object it is handed
    (``archive: Archive``) without depending on the module that makes it."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if room(edge.source) == room(edge.target) and not edge.typing_only:
            graph.setdefault(edge.source, set()).add(edge.target)
            graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        # recursion depth is bounded by a room's module count (tens), not by input size
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def check(root: Path, package: str = "sohoa") -> list[Violation]:
    # one edge per statement and target: "from a import x, y" is one dependency on a
    edges = list(dict.fromkeys(imports(root, package)))
    found = [v for v in (_rule(edge) for edge in edges) if v is not None]
    for component in cycles(edges):
        inside = [e for e in edges if e.source in component and e.target in component
                  and not e.typing_only]
        legs = "; ".join(f"{e.source} → {e.target} ({e.path}:{e.line})" for e in inside)
        found.append(Violation("import cycle", None, f"{room(component[0])}/: {legs}",
                               tuple(component)))
    return found
