"""No import circle anywhere in ``src/kinship`` (DESIGN §1: one way down).

grimp reads every import statement: at module level, inside functions (the lazy imports
that keep start-up fast) and under ``if TYPE_CHECKING:``. A circle among any of them fails
the test, which names the modules and one chain that closes the circle.
"""

from __future__ import annotations

import grimp
import pytest


def _circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                    break
                if nxt in on_stack:
                    low[module] = min(low[module], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _explain(graph: grimp.ImportGraph, circle: list[str]) -> str:
    first = circle[0]
    nxt = next(m for m in sorted(graph.find_modules_directly_imported_by(first)) if m in circle)
    chain = graph.find_shortest_chain(importer=nxt, imported=first) or (nxt, first)
    return f"{len(circle)} modules: {', '.join(circle)}\n  e.g. {' -> '.join((first, *chain))}"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("kinship", cache_dir=None)


def test_no_import_circle_in_src_kinship(graph: grimp.ImportGraph) -> None:
    circles = _circles(graph)
    assert not circles, "import circles:\n" + "\n".join(_explain(graph, c) for c in circles)


def test_the_graph_has_the_lazy_and_annotation_imports(graph: grimp.ImportGraph) -> None:
    """The check would be hollow if grimp missed imports inside functions or under
    TYPE_CHECKING: these two are of those kinds."""
    assert graph.direct_import_exists(importer="kinship.cli", imported="kinship.tui")
    assert graph.direct_import_exists(importer="kinship.cli", imported="kinship.wiring")


def test_a_circle_is_found_and_named() -> None:
    graph = grimp.build_graph("kinship", cache_dir=None)
    graph.add_import(importer="kinship.store.handle", imported="kinship.services.contacts")
    circles = _circles(graph)
    assert len(circles) == 1
    assert {"kinship.store.handle", "kinship.services.contacts"} <= set(circles[0])
    assert "kinship.store.handle -> kinship.services.contacts" in _explain(graph, circles[0])
