"""The example notebook runs top to bottom on a real Jupyter kernel without an error."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "python" / "examples" / "demo_region.ipynb"


def test_the_example_notebook_runs(tmp_path, monkeypatch):
    # Jupyter's platform-specific paths (and no deprecation warning about them).
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("wijkprofiel-card" in h and "<svg" in h for h in html), "the wijk's card"
    assert any("image/png" in o.get("data", {}) for o in outputs), "the plot"
