"""`pip install` of the package's wheel into a fresh virtual environment brings in only the
declared dependencies, and `import wijkprofiel` then works: no test-only package, and no
file of the source tree, is needed."""

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_installs_into_a_fresh_environment_and_builds_profiles(tmp_path):
    wheels = tmp_path / "wheels"
    # The same dev-profile build the suite already made; maturin reuses it.
    subprocess.run(
        [sys.executable, "-m", "maturin", "build", "--profile", "dev", "--out", str(wheels)],
        cwd=ROOT, check=True, capture_output=True,
    )
    built = sorted(wheels.glob("wijkprofiel-*.whl"))
    assert len(built) == 1 and "abi3" in built[0].name, built
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(built[0])],
        check=True, capture_output=True,
    )
    installed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format=freeze"],
        check=True, capture_output=True, text=True,
    ).stdout
    names = {line.split("==")[0].lower() for line in installed.split()}
    assert {"wijkprofiel", "polars"} <= names
    assert not names & {"pytest", "numpy", "pandas", "scipy", "pyarrow"}, names
    check = (
        "import wijkprofiel; p = wijkprofiel.build(); "
        "assert p.summary['areas'] == 372; assert p.area('WK990100').to_html(); "
        "import wijkprofiel.expr, polars as pl; "
        "print(pl.DataFrame({'x': [1], 'n': [2]}).select(wijkprofiel.expr.proportion('x', 'n')).height)"
    )
    out = subprocess.run(
        [str(python), "-c", check], cwd=tmp_path, check=True, capture_output=True, text=True
    )
    assert out.stdout.strip() == "1"
