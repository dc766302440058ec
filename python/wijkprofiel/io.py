"""Reading files as they are delivered.

``read_spss`` reads the health monitor's respondent file as GGDs receive it (SPSS ``.sav``)
into a polars DataFrame for ``from_tables({"respondents": ...})``, with the file's variable
labels, value labels and user-missing codes (the ``missing`` codes of a catalogue question).
It uses pyreadstat (ReadStat), an optional dependency: ``pip install 'wijkprofiel[spss]'``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import polars as pl

from wijkprofiel import _args

__all__ = ["SpssFile", "read_spss"]


@dataclass(frozen=True)
class SpssFile:
    """An SPSS file's data and what its dictionary says about each variable."""

    data: pl.DataFrame
    """One row per case; numeric variables as Float64 with their codes (user-missing codes
    kept as values), text variables as String."""
    variable_labels: dict[str, str] = field(default_factory=dict)
    """The question text of each variable that has one."""
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    """The label of each answer code, per variable."""
    missing: dict[str, list[float]] = field(default_factory=dict)
    """User-missing codes per variable (discrete codes; a range lists its two ends)."""


def read_spss(path: str | os.PathLike[str]) -> SpssFile:
    """Reads an SPSS ``.sav`` (or ``.zsav``) file: the data, with user-missing codes kept as
    values (so that a catalogue question can name them in ``missing``), and its labels.

    Raises
    ------
    ImportError
        pyreadstat is not installed.
    FileNotFoundError
        No file at ``path``.
    ValueError
        The file is not a readable SPSS file (the reader's message, with the path).

    Examples
    --------
    >>> from wijkprofiel import io
    >>> monitor = io.read_spss("GM2024_respondenten.sav")          # doctest: +SKIP
    >>> monitor.value_labels["GZGGA401"][1.0]                      # doctest: +SKIP
    'Zeer goed'
    >>> monitor.missing["GZGGA401"]                                # doctest: +SKIP
    [9.0]
    """
    try:
        import pyreadstat
    except ImportError as e:  # pragma: no cover - the test extras install it
        raise ImportError("reading SPSS files needs pyreadstat: pip install 'wijkprofiel[spss]'") from e
    path = _args.path(path, "path")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no SPSS file at {path}")
    try:
        data, meta = pyreadstat.read_sav(path, output_format="polars", user_missing=True)
    except pyreadstat.ReadstatError as e:
        raise ValueError(f"{path}: not a readable SPSS file ({e})") from e
    labels = dict(zip(meta.column_names, meta.column_labels or [], strict=False))
    missing: dict[str, list[float]] = {}
    for column, ranges in (meta.missing_ranges or {}).items():
        codes: list[float] = []
        for r in ranges:
            if isinstance(r, (int, float)):
                codes.append(float(r))
            elif not isinstance(r, str):  # a range; text codes are not answer codes
                codes.extend(sorted({float(r["lo"]), float(r["hi"])}))
        missing[column] = codes
    return SpssFile(
        data=data,
        variable_labels={k: v for k, v in labels.items() if v},
        value_labels={
            column: {float(code): str(label) for code, label in codes.items()}
            for column, codes in (meta.variable_value_labels or {}).items()
        },
        missing=missing,
    )
