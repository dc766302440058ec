"""Profiles for analysts: load a region, build every profile, read the results as polars
DataFrames.

The engine is the Rust core's; these functions choose defaults and hand arguments over.

Examples
--------
>>> import wijkprofiel
>>> profiles = wijkprofiel.build()            # the embedded demo region
>>> profiles.summary["areas"]
372
>>> table = profiles.table()                  # one row per area, indicator, year and mode
>>> table.filter(table["area_code"] == "WK990100").height > 50
True
>>> profiles.area("WK990100").code
'WK990100'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from wijkprofiel import _args, _core
from wijkprofiel._core import AreaProfile, Profiles, Region, ValidationReport
from wijkprofiel.exceptions import SettingsError

__all__ = [
    "AreaProfile",
    "Profiles",
    "Region",
    "build",
    "from_tables",
    "load",
    "load_table",
    "validate",
    "validate_tables",
    "write_demo_data",
]


def load(path: str | os.PathLike[str] | None = None) -> Region:
    """Load and validate a region's data folder.

    Parameters
    ----------
    path
        The folder (see ``docs/data-contract.md``); ``None`` for the embedded demo region.

    Returns
    -------
    Region
        The validated region.

    Raises
    ------
    InvalidDataError
        The data break the contract; ``error.report`` lists every problem.
    DataFolderError
        The folder or a file cannot be read.

    Examples
    --------
    >>> region = load()
    >>> region.table("population").columns
    ['area_code', 'year', 'sex', 'age_band', 'residents']
    """
    return Region.load(None if path is None else _args.path(path, "path"))


def validate(path: str | os.PathLike[str] | None = None) -> ValidationReport:
    """Check a data folder (the embedded demo region when ``None``) against the data contract;
    the report lists every problem.

    Examples
    --------
    >>> validate().is_valid
    True
    """
    return _core.validate(None if path is None else _args.path(path, "path"))


def load_table(table: str, path: str | os.PathLike[str] | None = None) -> pl.DataFrame:
    """One table of a region's data folder (the demo's when ``path`` is ``None``), loaded,
    validated and typed.

    Examples
    --------
    >>> load_table("population").columns
    ['area_code', 'year', 'sex', 'age_band', 'residents']
    """
    return _core.load_table(_args.text(table, "table"), None if path is None else _args.path(path, "path"))


def write_demo_data(out: str | os.PathLike[str], seed: int | None = None) -> list[str]:
    """Write the synthetic demo region to the folder ``out`` (the same seed gives the same
    bytes); returns the files written."""
    out = _args.path(out, "out")
    if seed is None:
        return _core.write_demo_data(out)
    return _core.write_demo_data(out, _args.whole(seed, "seed"))


def _inputs(tables: Mapping[str, Any], catalogue: Any, geometry: Any, dataset: Any) -> tuple:
    """The arguments of :func:`from_tables` checked: the tables as polars DataFrames (a
    LazyFrame collected, a pandas DataFrame converted), the documents as text."""
    if not isinstance(tables, Mapping):
        raise TypeError(f"tables must be a mapping of table names to DataFrames, not {type(tables).__name__}")
    frames = {_args.text(name, "tables' keys"): _args.frame(table, f"tables[{name!r}]") for name, table in tables.items()}
    texts = {"geometry": geometry, "dataset": dataset}
    return (
        frames,
        _args.text(catalogue, "catalogue"),
        *(None if v is None else _args.text(v, name) for name, v in texts.items()),
    )


def validate_tables(
    tables: Mapping[str, pl.DataFrame],
    catalogue: str,
    geometry: str | None = None,
    dataset: str | None = None,
) -> ValidationReport:
    """Check a region given as DataFrames against the data contract, as ``validate`` checks
    a folder; the report lists every problem (rows numbered from 1).

    ``tables`` holds polars DataFrames by table name; a LazyFrame is collected and a pandas
    DataFrame converted first.

    Examples
    --------
    >>> demo = load()
    >>> validate_tables({"population": demo.table("population")}, catalogue="").is_valid
    False
    >>> validate_tables({"population": [1, 2]}, catalogue="")
    Traceback (most recent call last):
    ...
    TypeError: tables['population'] must be a polars DataFrame (or LazyFrame, or pandas DataFrame), not list
    """
    return _core.validate_tables(*_inputs(tables, catalogue, geometry, dataset))


def from_tables(
    tables: Mapping[str, pl.DataFrame],
    catalogue: str,
    geometry: str | None = None,
    dataset: str | None = None,
) -> Region:
    """Validate a region given as DataFrames (for data already in memory).

    Parameters
    ----------
    tables
        DataFrames by table name (``areas``, ``population``, ``gp_counts``, ...); a
        LazyFrame is collected and a pandas DataFrame converted first.
    catalogue
        The text of ``catalogue.toml``.
    geometry, dataset
        The texts of ``geometry.geojson`` and ``dataset.toml``, if any.

    Returns
    -------
    Region
        The validated region.

    Raises
    ------
    InvalidDataError
        With the same problems the command-line ``validate`` reports.

    Examples
    --------
    >>> demo = load()
    >>> tables = {"population": demo.table("population")}
    >>> from_tables(tables, catalogue="")
    Traceback (most recent call last):
    ...
    wijkprofiel.exceptions.InvalidDataError: ...
    """
    return Region.from_tables(*_inputs(tables, catalogue, geometry, dataset))


def _custom_areas_geojson(areas: pl.DataFrame | Iterable[Mapping[str, Any]]) -> str:
    """The rows of a custom-areas table as a ``custom_areas.geojson`` FeatureCollection.

    Used by ``Region.with_custom_areas``; each row keeps its position (the row a problem
    names). ``members`` are codes; ``geometry`` a GeoJSON geometry as text or dict.

    Examples
    --------
    >>> text = _custom_areas_geojson([{"id": "X", "name": "x", "kind": "other", "members": ["BU1"]}])
    >>> json.loads(text)["features"][0]["properties"]["members"]
    ['BU1']
    """
    if isinstance(areas, (pl.DataFrame, pl.LazyFrame)) or type(areas).__module__.startswith("pandas"):
        rows = _args.frame(areas, "areas").to_dicts()
    else:
        rows = list(_args.sequence(areas, "areas", "areas (dicts)"))
    features = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            raise TypeError(f"areas must hold one mapping (dict) per area: row {number} is {type(row).__name__}")
        properties = {k: row.get(k) for k in ("id", "name", "kind") if row.get(k) is not None}
        if row.get("members") is not None:
            properties["members"] = list(row["members"])
        geometry = row.get("geometry")
        if isinstance(geometry, str):
            try:
                geometry = json.loads(geometry)
            except json.JSONDecodeError as e:
                raise ValueError(
                    f"custom areas, row {number} (id {row.get('id')!r}), column `geometry`: not GeoJSON ({e})"
                ) from None
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return json.dumps({"type": "FeatureCollection", "features": features})


def build(
    region: Region | str | os.PathLike[str] | None = None,
    *,
    years: list[int] | None = None,
    standard_population: Mapping[str, float] | None = None,
    national_benchmark: str | None = None,
    confidence: tuple[float, float] | None = None,
    language: str | None = None,
    map_colours: str | None = None,
    disclosure: Mapping[str, Any] | None = None,
) -> Profiles:
    """Build every profile of a region (all areas below the country).

    The settings are those of a ``--config`` settings file (``docs/outputs.md``); each left
    at ``None`` keeps the core's default.

    Parameters
    ----------
    region
        A :class:`Region`, a data folder, or ``None`` for the embedded demo region.
    years
        Only these years; every year with data when ``None``.
    standard_population
        Weights by age band for direct standardisation (e.g. a Dutch standard
        population); ESP2013 when ``None``.
    national_benchmark
        The benchmark id of the national reference; ``"NL01"`` when ``None``.
    confidence
        The inner and outer confidence levels; ``(0.95, 0.998)`` when ``None``.
    language
        ``"nl"`` (when ``None``) or ``"en"`` labels.
    map_colours
        What the pages' maps colour each area by: ``"judgement"`` against the Netherlands
        (when ``None``) or ``"value"`` in five equal classes.
    disclosure
        Disclosure settings as in the ``[disclosure]`` table of a settings file
        (``min_count``, ``round_to``, ``sources``, ``indicators``, ``allow_loosening``,
        ``lp_audit``, ...); safe defaults when ``None``. Anything below the defaults
        needs ``allow_loosening=True``. By default the build proves every withheld small
        count protected against the linear-programming audit and withholds more where
        needed (``summary["protection"]`` reports it); ``lp_audit=False`` (a loosening)
        leaves only single subtractions checked.

    Returns
    -------
    Profiles
        ``table()``, ``themes()``, ``spine()``, ``social_map()``, ``withheld()`` as
        DataFrames; ``area(code)`` for one area; ``write(out)`` for the batch outputs.

    Raises
    ------
    SettingsError
        A year without data, a standard population that does not fit, disclosure
        settings below the defaults without ``allow_loosening``, an unknown language or map
        colouring.

    Examples
    --------
    >>> profiles = build(years=[2024], language="en")
    >>> sorted(profiles.table()["year"].unique().to_list())
    [2024]
    >>> build(disclosure={"min_count": 5})
    Traceback (most recent call last):
    ...
    wijkprofiel.exceptions.SettingsError: disclosure: `min_count = 5` is below the safe default; ...
    """
    if region is None or isinstance(region, (str, os.PathLike)):
        region = load(region)
    elif not isinstance(region, Region):
        raise TypeError(f"region must be a Region, a data folder or None, not {type(region).__name__}")
    for name, value in (("standard_population", standard_population), ("disclosure", disclosure)):
        if value is not None and not isinstance(value, Mapping):
            raise SettingsError(f"build settings: `{name}` must be a mapping (a dict), not {type(value).__name__}")
    return region.build(
        {
            "years": years,
            "standard_population": None
            if standard_population is None
            else dict(standard_population),
            "national_benchmark": national_benchmark,
            "confidence": confidence,
            "language": language,
            "map_colours": map_colours,
            "disclosure": None if disclosure is None else dict(disclosure),
        }
    )
