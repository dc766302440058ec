"""Checks of the public functions' arguments: each error names the argument (a ``TypeError``
for a value of the wrong kind, a ``ValueError`` for one out of range), before anything
reaches the core.

Examples
--------
>>> whole(-1, "repetitions", minimum=1)
Traceback (most recent call last):
...
ValueError: repetitions must be a whole number of at least 1, not -1
>>> floats([1, "2"], "deaths")
Traceback (most recent call last):
...
TypeError: deaths must be numbers: '2' at position 1 is not
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

_U64 = 2**64 - 1


def _kind(value: Any) -> str:
    return type(value).__name__


def path(value: Any, name: str) -> str:
    """A file or folder path (text or ``os.PathLike``)."""
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{name} must be a path (str or os.PathLike), not {_kind(value)}")


def text(value: Any, name: str) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"{name} must be text (str), not {_kind(value)}")


def flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"{name} must be True or False, not {_kind(value)}")


def whole(value: Any, name: str, *, minimum: int = 0, maximum: int = _U64) -> int:
    """A whole number from ``minimum`` to ``maximum`` (a bool is no number here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {_kind(value)}")
    if value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    if value > maximum:
        raise ValueError(f"{name} must be a whole number of at most {maximum}, not {value!r}")
    return value


def number(value: Any, name: str) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, not {_kind(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def level(value: Any, name: str = "confidence") -> float:
    """A confidence level, strictly between 0 and 1."""
    level = number(value, name)
    if not 0.0 < level < 1.0:
        raise ValueError(f"{name} must lie between 0 and 1 (0.95 for 95%), not {value!r}")
    return level


def levels(value: Any, name: str = "confidence") -> list[float]:
    """One confidence level or a sequence of them."""
    if isinstance(value, (int, float)):
        return [level(value, name)]
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a level or a sequence of levels, not {_kind(value)}")
    found = [level(v, name) for v in value]
    if not found:
        raise ValueError(f"{name} must hold at least one level")
    return found


def choice(value: Any, name: str, options: Sequence[str]) -> str:
    """One of ``options``."""
    if isinstance(value, str) and value in options:
        return value
    said = ", ".join(repr(o) for o in options)
    raise ValueError(f"{name} must be one of {said}, not {value!r}")


def sequence(values: Any, name: str, of: str) -> Iterable[Any]:
    """``values`` if it is a sequence (not text, a mapping or a frame); ``of`` says of what."""
    if isinstance(values, (str, bytes, Mapping, pl.DataFrame, pl.LazyFrame)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of {of}, not {_kind(values)}")
    return values


def floats(values: Any, name: str) -> list[float]:
    """The values as floats; a ``TypeError`` names the argument and the first value that is
    no number (a Series' nulls stay ``None``, as polars gives them)."""
    return _numbers(values, name, optional=False)


def optional_floats(values: Any, name: str) -> list[float | None]:
    """As :func:`floats`, where a value may be missing (``None``)."""
    return _numbers(values, name, optional=True)


def _numbers(values: Any, name: str, *, optional: bool) -> list[Any]:
    if isinstance(values, pl.Series):
        if not (values.dtype.is_numeric() or values.dtype == pl.Null):
            raise TypeError(f"{name} must be numbers, not a {values.dtype} column")
        return values.cast(pl.Float64).to_list()
    out: list[float | None] = []
    for at, v in enumerate(sequence(values, name, "numbers")):
        if v is None and optional:
            out.append(None)
            continue
        if isinstance(v, (str, bytes, bool)):
            raise TypeError(f"{name} must be numbers: {v!r} at position {at} is not")
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be numbers: {v!r} at position {at} is not") from None
    return out


def texts(values: Any, name: str) -> list[str]:
    """The values as text (age bands, codes)."""
    if isinstance(values, pl.Series):
        return values.cast(pl.String).to_list()
    out = []
    for at, v in enumerate(sequence(values, name, "text values")):
        if not isinstance(v, str):
            raise TypeError(f"{name} must be text values: {v!r} at position {at} is not")
        out.append(v)
    return out


def aligned(**columns: Any) -> list[list[float]]:
    """The columns as floats, checked to be of one length: a ``ValueError`` names them and
    their lengths otherwise (zipping would drop the extra values without a word)."""
    found = {name: floats(values, name) for name, values in columns.items()}
    lengths = {name: len(values) for name, values in found.items()}
    if len(set(lengths.values())) > 1:
        said = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise ValueError(f"{', '.join(lengths)} must be of one length (got {said})")
    return list(found.values())


def weights_by_band(
    value: Any, name: str, accepted: str = "a mapping of age bands to weights"
) -> tuple[list[str], list[float]]:
    """A standard population given as a mapping of age bands to weights: its bands and
    weights; ``accepted`` says what the argument takes, for the error."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be {accepted}, not {_kind(value)}")
    return texts(list(value), name), floats(list(value.values()), name)


def series(values: Any, name: str) -> pl.Series:
    """A column of numbers as a polars Series (a list or another sequence is converted)."""
    if isinstance(values, pl.Series):
        if not (values.dtype.is_numeric() or values.dtype == pl.Null):
            raise TypeError(f"{name} must be numbers, not a {values.dtype} column")
        return values
    return pl.Series(name, floats(values, name), dtype=pl.Float64)


def frame(value: Any, name: str) -> pl.DataFrame:
    """A polars DataFrame: a LazyFrame is collected and a pandas DataFrame converted; anything
    else is a ``TypeError`` naming the argument."""
    if isinstance(value, pl.LazyFrame):
        value = value.collect()
    elif type(value).__module__.startswith("pandas") and _kind(value) == "DataFrame":
        value = pl.from_pandas(value)
    if not isinstance(value, pl.DataFrame):
        raise TypeError(f"{name} must be a polars DataFrame (or LazyFrame, or pandas DataFrame), not {_kind(value)}")
    return value


def columns(data: pl.DataFrame, **named: str | Sequence[str] | None) -> None:
    """Each argument names a column of ``data`` (or several): a ``TypeError`` if it is not
    text, a ``KeyError`` naming the argument and the column if the column is missing."""
    for argument, value in named.items():
        if value is None:
            continue
        for column in [value] if isinstance(value, str) else texts(value, argument):
            if column not in data.columns:
                raise KeyError(f"{argument}: no column {column!r} in the data")


def numeric(data: pl.DataFrame, **named: str | None) -> None:
    """Each argument names a column of ``data`` that holds numbers (or only nulls)."""
    columns(data, **named)
    for argument, column in named.items():
        if column is not None and not (data[column].dtype.is_numeric() or data[column].dtype == pl.Null):
            raise TypeError(f"{argument}: column {column!r} must hold numbers, not {data[column].dtype}")
