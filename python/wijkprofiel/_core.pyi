# Type stubs of the Rust extension (crates/wijkprofiel-py). `mypy.stubtest` in the test
# suite checks them against the built module.

import os
from collections.abc import Mapping
from types import ModuleType
from typing import Any, final

import polars as pl

__all__ = [
    "Problem",
    "ValidationReport",
    "Region",
    "Profiles",
    "AreaProfile",
    "validate",
    "validate_tables",
    "load_table",
    "write_demo_data",
    "stats",
    "__version__",
]

__version__: str
stats: ModuleType

@final
class Problem:
    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def row(self) -> int | None: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> str | None: ...

@final
class ValidationReport:
    @property
    def is_valid(self) -> bool: ...
    @property
    def problems(self) -> list[Problem]: ...
    @property
    def problem_count(self) -> int: ...
    @property
    def summary(self) -> str | None: ...

@final
class Region:
    @staticmethod
    def load(path: str | os.PathLike[str] | None = None) -> Region: ...
    @staticmethod
    def from_tables(
        tables: Mapping[str, pl.DataFrame],
        catalogue: str,
        geometry: str | None = None,
        dataset: str | None = None,
    ) -> Region: ...
    @property
    def summary(self) -> str: ...
    def table(self, name: str) -> pl.DataFrame | None: ...
    def build(
        self,
        years: list[int] | None = None,
        standard_population: Mapping[str, float] | None = None,
        national_benchmark: str = "NL01",
        confidence: tuple[float, float] = ...,
        language: str = "nl",
        disclosure: Mapping[str, Any] | None = None,
    ) -> Profiles: ...

@final
class Profiles:
    def table(self) -> pl.DataFrame: ...
    def withheld(self) -> pl.DataFrame: ...
    def themes(self) -> pl.DataFrame: ...
    def spine(self) -> pl.DataFrame: ...
    def social_map(self) -> pl.DataFrame: ...
    @property
    def areas(self) -> list[str]: ...
    @property
    def summary(self) -> dict[str, Any]: ...
    def area(self, code: str) -> AreaProfile: ...
    def write(self, out: str | os.PathLike[str], shard: str | None = None) -> tuple[int, int]: ...

@final
class AreaProfile:
    @property
    def code(self) -> str: ...
    def to_json(self) -> str: ...
    def to_html(self) -> str: ...
    def _repr_html_(self) -> str: ...

def validate(path: str | os.PathLike[str] | None = None) -> ValidationReport: ...
def validate_tables(
    tables: Mapping[str, pl.DataFrame],
    catalogue: str,
    geometry: str | None = None,
    dataset: str | None = None,
) -> ValidationReport: ...
def load_table(table: str, path: str | os.PathLike[str] | None = None) -> pl.DataFrame: ...
def write_demo_data(out: str | os.PathLike[str], seed: int = ...) -> list[str]: ...
