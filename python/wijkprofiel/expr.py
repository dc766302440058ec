"""The statistical methods as polars expressions, for an analyst's own (lazy) queries.

Each expression runs the Rust core's method inside polars (an expression plugin) and gives
a struct column: ``value`` and, per confidence level, ``lower_95``, ``upper_95``, ... as the
frames of :mod:`wijkprofiel.stats`, named after the method (``proportion``, ``rate``,
``dsr``; ``.alias`` renames it). ``unnest`` spreads it into columns.

Examples
--------
>>> import polars as pl
>>> from wijkprofiel import expr
>>> counts = pl.LazyFrame({"wijk": ["A", "B"], "x": [12, 40], "n": [150, 410]})
>>> out = (
...     counts.with_columns(expr.proportion("x", "n", multiplier=100).alias("share"))
...     .unnest("share")
...     .collect()
... )
>>> out.columns
['wijk', 'x', 'n', 'value', 'lower_95', 'upper_95', 'lower_99_8', 'upper_99_8']
>>> out["value"].to_list()
[8.0, 9.75609756097561]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
from polars.plugins import register_plugin_function

from wijkprofiel import _args
from wijkprofiel.stats import PAIR

__all__ = ["dsr", "proportion", "rate"]

# The folder holding the extension (`_core`), which carries the plugins.
_LIBRARY = Path(__file__).parent


def _column(x: str | pl.Expr, name: str) -> pl.Expr:
    if isinstance(x, str):
        return pl.col(x)
    if isinstance(x, pl.Expr):
        return x
    raise TypeError(f"{name} must be a column name or a polars expression, not {type(x).__name__}")


def _row_by_row(function: str, x: str | pl.Expr, n: str | pl.Expr, confidence, multiplier: float) -> pl.Expr:
    return register_plugin_function(
        plugin_path=_LIBRARY,
        function_name=function,
        args=[_column(x, "x"), _column(n, "n")],
        kwargs={"confidence": _args.levels(confidence), "multiplier": _args.number(multiplier, "multiplier")},
        is_elementwise=True,
    )


def proportion(
    x: str | pl.Expr,
    n: str | pl.Expr,
    *,
    confidence: float | Sequence[float] = PAIR,
    multiplier: float = 1.0,
) -> pl.Expr:
    """Proportions ``x / n`` with Wilson score intervals, row by row.

    Parameters
    ----------
    x, n
        Columns (names or expressions) of counts; ``0 <= x <= n``, ``n > 0``.
    confidence
        One level or several (95% and 99.8% by default).
    multiplier
        100 for percentages.

    Returns
    -------
    polars.Expr
        A struct: ``value``, ``lower_95``, ``upper_95``, ...

    Examples
    --------
    >>> df = pl.DataFrame({"x": [0, 5], "n": [20, 20]})
    >>> df.select(proportion("x", "n", confidence=0.95)).unnest("proportion").columns
    ['value', 'lower_95', 'upper_95']
    """
    return _row_by_row("wilson", x, n, confidence, multiplier).alias("proportion")


def rate(
    x: str | pl.Expr,
    n: str | pl.Expr,
    *,
    confidence: float | Sequence[float] = PAIR,
    multiplier: float = 1.0,
) -> pl.Expr:
    """Crude rates ``x / n``: exact Poisson intervals below 10 events, Byar's from 10.

    Examples
    --------
    >>> df = pl.DataFrame({"events": [3], "years": [1000]})
    >>> round(df.select(rate("events", "years", multiplier=1000)).unnest("rate")["value"][0], 3)
    3.0
    """
    return _row_by_row("poisson", x, n, confidence, multiplier).alias("rate")


def dsr(
    band: str | pl.Expr,
    events: str | pl.Expr,
    population: str | pl.Expr,
    *,
    standard: Mapping[str, float] | None = None,
    confidence: float | Sequence[float] = PAIR,
    multiplier: float = 100_000.0,
) -> pl.Expr:
    """The directly standardised rate of a group (Dobson intervals), for ``group_by().agg``.

    Bands are matched to the standard population by key (ESP2013 by default, or a mapping
    from band to weight); a group with fewer than 10 events gives nulls.

    Examples
    --------
    >>> data = pl.DataFrame({"area": ["A", "A"], "age_band": ["0-64", "65+"],
    ...                      "events": [30, 40], "population": [1000, 200]})
    >>> dutch = {"0-64": 80, "65+": 20}
    >>> out = data.group_by("area").agg(dsr("age_band", "events", "population", standard=dutch))
    >>> out.unnest("dsr")["value"][0]
    6400.0
    """
    bands, weights = ([], []) if standard is None else _args.weights_by_band(standard, "standard")
    return register_plugin_function(
        plugin_path=_LIBRARY,
        function_name="dsr",
        args=[_column(band, "band"), _column(events, "events"), _column(population, "population")],
        kwargs={
            "confidence": _args.levels(confidence),
            "multiplier": _args.number(multiplier, "multiplier"),
            "standard_bands": bands,
            "standard_weights": weights,
        },
        returns_scalar=True,
    ).alias("dsr")
