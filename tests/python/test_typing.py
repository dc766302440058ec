"""Typing: the stubs of the Rust extension match the built module (mypy.stubtest), the
package is marked typed, and the package and its tests type-check."""

import subprocess
import sys
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_stubs_match_the_extension() -> None:
    result = run("mypy.stubtest", "wijkprofiel")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_is_typed_and_type_checks() -> None:
    package = resources.files("wijkprofiel")
    assert package.joinpath("py.typed").is_file()
    assert package.joinpath("_core.pyi").is_file()
    result = run(
        "mypy",
        "python/wijkprofiel",
        "tests/python/test_profiles.py",
        "tests/python/test_expressions.py",
    )
    assert result.returncode == 0, result.stdout + result.stderr
