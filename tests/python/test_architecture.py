"""The core crate's modules form no circle, and only the output wing uses the output wing
(`scripts/import_graph.py`, which reads `crate::` paths outside test code)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
assert SPEC is not None and SPEC.loader is not None
import_graph = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(import_graph)


def test_the_crate_has_no_circle_and_nothing_uses_the_output_wing():
    edges = import_graph.graph()
    assert {"output", "profile", "validate", "region", "stats"} <= edges.keys()
    assert "profile" in edges["output"], "the output wing reads the engine"
    assert import_graph.circles(edges) == []
    assert [m for m, targets in edges.items() if "output" in targets] == []
    assert import_graph.main() == 0


def test_the_check_sees_circles_and_code_that_reaches_back():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_graph.circles(edges) == [["a", "b", "c"]]
    edges = import_graph.graph()
    edges["region"].add("validate")
    assert ["region", "validate"] == import_graph.circles(edges)[0]
