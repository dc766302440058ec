"""Public-health statistical methods, computed by the Rust core.

Every interval comes at any confidence level; the default is the usual pair, 95% and 99.8%.
Column results are polars DataFrames with ``value`` and ``lower_95``/``upper_95``,
``lower_99_8``/``upper_99_8``. Input a method cannot use raises
:class:`wijkprofiel.exceptions.StatsInputError` (a ``ValueError``) naming the row or group.

Examples
--------
>>> import polars as pl
>>> from wijkprofiel import stats
>>> row = stats.proportion(pl.Series([65]), pl.Series([100]), multiplier=100).row(0)
>>> [round(v, 4) for v in row]
[65.0, 55.2544, 73.6358, 49.5495, 77.8354]
>>> upper = stats.rate([0], [1000], confidence=0.95, multiplier=1000)["upper_95"][0]
>>> round(upper, 12)  # exact Poisson upper limit for 0 events, per 1,000
3.688879454114
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from wijkprofiel import _args
from wijkprofiel._core import stats as _core
from wijkprofiel.exceptions import StatsInputError

PAIR = (0.95, 0.998)
"""The usual pair of confidence levels."""


def _label(level: float) -> str:
    return f"{round(level * 100, 6):g}".replace(".", "_")


def _limits_frame(rows: list[list[tuple[float, float, float]] | None], levels: list[float]) -> pl.DataFrame:
    columns: dict[str, list[float | None]] = {
        "value": [r[0][0] if r else None for r in rows]
    }
    for i, level in enumerate(levels):
        columns[f"lower_{_label(level)}"] = [r[i][1] if r else None for r in rows]
        columns[f"upper_{_label(level)}"] = [r[i][2] if r else None for r in rows]
    return pl.DataFrame(columns, schema={k: pl.Float64 for k in columns})


def _standard(standard: Mapping[str, float] | pl.DataFrame | None):
    """A standard population's bands and weights, from a mapping or a two-column frame."""
    if standard is None:
        return None
    if isinstance(standard, pl.DataFrame):
        if standard.width < 2:
            raise ValueError("standard must have two columns, the age band and its weight")
        band, weight = standard.columns[:2]
        return standard[band].cast(pl.String).to_list(), _args.floats(standard[weight], "standard")
    return _args.weights_by_band(standard, "standard", "a mapping of age bands to weights or a DataFrame")


def proportion(x, n, *, confidence=PAIR, multiplier: float = 1.0) -> pl.DataFrame:
    """Proportions ``x / n`` with Wilson score intervals, row by row.

    ``x = 0`` and ``x = n`` are valid; ``x > n``, ``n <= 0`` and ``x < 0`` raise. A null in
    either column gives a null row. ``multiplier=100`` gives percentages.
    """
    return _per_row("proportion", x, n, confidence, multiplier)


def rate(x, n, *, confidence=PAIR, multiplier: float = 1.0) -> pl.DataFrame:
    """Crude rates ``x / n`` with the exact Poisson interval below 10 events and Byar's from
    10. ``x > n`` is allowed (events, not persons); ``x = 0`` is valid."""
    return _per_row("rate", x, n, confidence, multiplier)


def _per_row(method: str, x, n, confidence, multiplier) -> pl.DataFrame:
    x, n = _args.series(x, "x"), _args.series(n, "n")
    if x.len() != n.len():
        raise ValueError(f"x, n must be of one length (got x {x.len()}, n {n.len()})")
    return _core.per_row(method, x, n, _args.levels(confidence), _args.number(multiplier, "multiplier"))


def dsr(
    data: pl.DataFrame,
    *,
    by: str | Sequence[str],
    band: str = "age_band",
    events: str = "events",
    population: str = "population",
    standard: Mapping[str, float] | pl.DataFrame | None = None,
    confidence=PAIR,
    multiplier: float = 100_000.0,
) -> pl.DataFrame:
    """Directly standardised rates per group with Dobson intervals.

    ``standard`` is the European Standard Population 2013 by default, or a mapping (or a
    two-column DataFrame) from age band to weight, e.g. the Dutch population of a reference
    year. Bands are matched by key (``"0-4"``, ``"90+"``), never by position: a group whose
    bands differ from the standard's raises, naming the group. Groups with fewer than 10
    events get null values and the reason in ``withheld``.

    >>> import polars as pl
    >>> from wijkprofiel import stats
    >>> bands = ["0-64", "65+"]
    >>> data = pl.DataFrame({"area": ["A", "A"], "age_band": bands,
    ...                      "events": [30, 40], "population": [1000, 200]})
    >>> stats.dsr(data, by="area", standard={"0-64": 80, "65+": 20})["value"][0]
    6400.0
    """
    data = _args.frame(data, "data")
    _args.columns(data, by=by, band=band, events=events, population=population)
    by = [by] if isinstance(by, str) else list(by)
    return _core.dsr_frame(
        data,
        by,
        band,
        events,
        population,
        _standard(standard),
        _args.levels(confidence),
        _args.number(multiplier, "multiplier"),
    )


def dsr_from_lists(
    bands: Sequence[str],
    events: Sequence[float],
    population: Sequence[float],
    *,
    standard: Mapping[str, float] | pl.DataFrame | None = None,
    repeats: Sequence[tuple[str, float, float]] | None = None,
    confidence=PAIR,
    multiplier: float = 100_000.0,
) -> dict[str, Any]:
    """One DSR from lists per age band. ``repeats`` holds ``(band, frequency, persons)`` for
    non-independent events (persons with 1, 2, 3... events), which widen the interval.

    Returns ``events``, ``population``, ``value``, the limits per level and ``withheld``.
    """
    levels = _args.levels(confidence)
    bands = _args.texts(bands, "bands")
    events, population = _args.aligned(events=events, population=population)
    if len(bands) != len(events):
        raise ValueError(f"bands, events must be of one length (got bands {len(bands)}, events {len(events)})")
    total, people, limits, withheld = _core.dsr(
        bands, events, population, _standard(standard), levels, None if repeats is None else _repeats(repeats)
    )
    row = _limits_frame([limits], levels) * _args.number(multiplier, "multiplier")
    return {"events": total, "population": people, **row.row(0, named=True), "withheld": withheld}


def _repeats(repeats: Any) -> list[tuple[str, float, float]]:
    """``(band, frequency, persons)`` triples, checked."""
    out = []
    for at, item in enumerate(_args.sequence(repeats, "repeats", "(band, frequency, persons) triples")):
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 3:
            raise TypeError(f"repeats must hold (band, frequency, persons) triples: {item!r} at position {at} is not")
        band, frequency, persons = item
        out.append((_args.text(band, "repeats' band"), _args.number(frequency, "repeats' frequency"), _args.number(persons, "repeats' persons")))
    return out


def indirect(
    observed: float,
    population: Sequence[float],
    reference_events: Sequence[float],
    reference_population: Sequence[float],
    *,
    confidence=PAIR,
    multiplier: float = 1.0,
) -> dict[str, Any]:
    """The indirectly standardised ratio (O/E) and rate (O/E × the reference crude rate)
    from an area's strata populations and the reference events and populations per stratum.

    Returns ``observed``, ``expected``, ``reference_rate``, and ``ratio`` and ``rate`` as
    one-row DataFrames (the rate times ``multiplier``).
    """
    levels = _args.levels(confidence)
    o, e, ref, ratio, rate_ = _core.indirect(
        _args.number(observed, "observed"),
        *_args.aligned(population=population, reference_events=reference_events, reference_population=reference_population),
        levels,
    )
    return {
        "observed": o,
        "expected": e,
        "reference_rate": ref,
        "ratio": _limits_frame([ratio], levels),
        "rate": _limits_frame([rate_], levels) * _args.number(multiplier, "multiplier"),
    }


def mean(values: Sequence[float], *, confidence=PAIR) -> pl.DataFrame:
    """The mean with its Student t interval (at least two values; drop missing ones first)."""
    levels = _args.levels(confidence)
    return _limits_frame([_core.student_t(_args.floats(values, "values"), levels)], levels)


def survey_mean(
    data: pl.DataFrame,
    value: str,
    *,
    weight: str,
    by: Sequence[str] = (),
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    interval: str | None = None,
    lonely_psu: str = "fail",
    confidence=PAIR,
) -> pl.DataFrame:
    """Design-based means (proportions for a 0/1 answer) of respondent-level survey data, per
    group of the ``by`` columns, as R's ``survey`` makes them: ``svydesign(ids = ~psu,
    strata = ~strata, weights = ~weight, fpc = ~fpc)`` and ``svyby(~value, ~by, design,
    svymean)``. Each group is a domain of the whole design; the standard error is Taylor
    linearised over strata and PSUs, with the finite population correction when ``fpc``
    (the stratum's population of PSUs) is given.

    ``lonely_psu``: what a stratum with a single PSU contributes, as ``survey``'s option
    ``survey.lonely.psu``: ``"fail"`` (an error, the default), ``"certainty"`` or
    ``"remove"`` (nothing), ``"adjust"`` (its PSU total about the grand mean) or
    ``"average"`` (the mean of the other strata's contributions).

    ``interval``: ``"logit"`` (``svyciprop(method = "xlogit")``, with the design's degrees
    of freedom; stays within 0 and 1), ``"korn-graubard"`` (``svyciprop(method = "beta")``:
    Clopper–Pearson on the effective sample size, for small or extreme proportions),
    ``"wilson"`` (Wilson's score interval on that effective sample size) or ``"wald"``
    (value ± z × se); by default logit for a 0/1 answer, Wald otherwise. A respondent without a value (null: no answer, "not
    applicable") lies in no group, yet the design keeps their PSU, as R's ``svymean(...,
    na.rm = TRUE)``; dropping such rows before the call would change the design.

    Returns the ``by`` columns, ``respondents`` (unweighted), ``weight`` (the estimated
    population), ``value``, ``se``, ``df``, ``deff`` (the design effect as ``svymean(...,
    deff = TRUE)``: the variance over a simple random sample's of as many respondents
    without replacement from the estimated population; null where that has no variance),
    ``effective_n`` (``respondents / deff``; the respondents where ``deff`` is null) and the limits, in order of the groups' first
    appearance.

    Raises
    ------
    StatsInputError
        A weight that is missing or not positive, a stratum with one PSU (under
        ``lonely_psu="fail"``), a population smaller than its sample, or no value at all.

    Examples
    --------
    >>> import polars as pl
    >>> from wijkprofiel import stats
    >>> data = pl.DataFrame({"wijk": ["A", "A", "B", "B"], "eenzaam": [1, 0, 1, 1],
    ...                      "w": [100.0, 300.0, 200.0, 200.0]})
    >>> stats.survey_mean(data, "eenzaam", weight="w", by=["wijk"])["value"].to_list()
    [0.25, 1.0]
    """
    data = _args.frame(data, "data")
    by = _args.texts(by, "by")
    _args.numeric(data, value=value)
    design = _Design.of(data, weight, strata, psu, fpc, answers=value, by=by)
    answered = design.answered
    levels = _args.levels(confidence)
    values = data[value].cast(pl.Float64)
    binary = values.drop_nulls().is_in([0.0, 1.0]).all()
    if interval is None:
        interval = "logit" if binary else "wald"
    _args.choice(interval, "interval", ("logit", "korn-graubard", "wilson", "wald"))
    if interval != "wald" and not binary:
        raise ValueError(f"a {interval} interval is for a proportion: `{value}` must hold 0 and 1 only")

    groups = _codes(data, by) if by else pl.Series([0] * data.height, dtype=pl.UInt32)
    # A respondent without a value lies in no domain; the design keeps their PSU.
    outside = pl.Series([2**32 - 1] * data.height, dtype=pl.UInt32)
    rows = _core.survey_means(
        design.weights,
        values.fill_null(0.0).to_list(),
        groups.zip_with(answered, outside).to_list(),
        design.strata,
        design.psus,
        design.population,
        lonely_psu,
        levels,
        interval,
    )
    keys = (
        data.filter(answered)
        .select(*by)
        .with_columns(groups.filter(answered).alias("_group"))
        .unique("_group", maintain_order=True)
        if by
        else pl.DataFrame({"_group": [0]})
    )
    order = keys["_group"].to_list()
    found = [rows[g] for g in order]
    frame = keys.drop("_group").with_columns(
        pl.Series("respondents", [r[3] for r in found], dtype=pl.Int64),
        pl.Series("weight", [r[4] for r in found], dtype=pl.Float64),
        pl.Series("value", [r[0] for r in found], dtype=pl.Float64),
        pl.Series("se", [r[1] for r in found], dtype=pl.Float64),
        pl.Series("df", [r[2] for r in found], dtype=pl.Float64),
        pl.Series("deff", [r[5] for r in found], dtype=pl.Float64),
        pl.Series("effective_n", [r[6] for r in found], dtype=pl.Float64),
    )
    limits = _limits_frame([r[7] for r in found], levels).drop("value")
    return pl.concat([frame, limits], how="horizontal")


def _codes(data: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """Each row's group of the columns' values, numbered from 0 (dense, by value)."""
    return data.select(pl.struct(list(columns)).rank("dense").cast(pl.UInt32) - 1).to_series()


@dataclass(frozen=True)
class _Design:
    """A respondent frame's design as the core takes it, checked: weights, strata and PSUs as
    codes, the stratum's population of PSUs, and which rows answered."""

    weights: list[float]
    strata: list[int] | None
    psus: list[int] | None
    population: list[float] | None
    answered: pl.Series

    @staticmethod
    def of(data: Any, weight: str, strata, psu, fpc, *, answers: str, **named) -> _Design:
        """The design of ``data``, every argument checked: ``answers`` is the column whose
        nulls are respondents without an answer, ``named`` the caller's other column
        arguments by their names (``value``, ``by``, ``rows``...)."""
        _args.numeric(data, weight=weight, fpc=fpc)
        _args.columns(data, **named, strata=strata, psu=psu)
        value = answers
        if data[weight].null_count():
            raise StatsInputError(f"column `{weight}` has missing weights")
        answered = data[value].is_not_null()
        if not answered.any():
            raise StatsInputError(f"column `{value}` has no values")
        return _Design(
            weights=data[weight].cast(pl.Float64).to_list(),
            strata=_codes(data, [strata]).to_list() if strata else None,
            psus=_codes(data, [strata, psu] if strata else [psu]).to_list() if psu else None,
            population=data[fpc].cast(pl.Float64).to_list() if fpc else None,
            answered=answered,
        )


def survey_contrast(
    data: pl.DataFrame,
    value: str,
    *,
    weight: str,
    by: Sequence[str],
    within: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    lonely_psu: str = "fail",
    adjust: str | None = None,
) -> pl.DataFrame:
    """Each group of the ``by`` columns against the rest of its reference: the group of
    ``within`` that holds it (a wijk against the rest of its gemeente), or the whole sample
    without ``within``. The difference of the two design-based means (group minus rest), its
    standard error with the covariance of the two (one design), the reference's degrees of
    freedom and the two-sided t test's p-value, as R's ``svyby(..., covmat = TRUE)`` and
    ``svycontrast`` on the design restricted to the reference. The design's arguments and
    missing values are as :func:`survey_mean`'s.

    ``adjust``: ``"bonferroni"``, ``"holm"`` or ``"bh"`` (Benjamini–Hochberg) adds
    ``p_adjusted``, over the tests of this table (:func:`adjust_p_values`).

    Returns the ``by`` columns (and ``within``), ``difference``, ``se``, ``df``, ``p_value``
    (and ``p_adjusted``), in order of the groups' first appearance.

    Raises
    ------
    StatsInputError
        As :func:`survey_mean`; a group that is its whole reference (no rest to compare
        with); a group whose respondents lie in more than one group of ``within``.

    Examples
    --------
    >>> import polars as pl
    >>> from wijkprofiel import stats
    >>> data = pl.DataFrame({"wijk": ["A", "A", "B", "B", "C", "C"], "rookt": [1, 0, 1, 1, 0, 0],
    ...                      "w": [100.0, 300.0, 200.0, 200.0, 150.0, 250.0]})
    >>> out = stats.survey_contrast(data, "rookt", weight="w", by=["wijk"])
    >>> [round(d, 4) for d in out["difference"]]
    [-0.25, 0.875, -0.625]
    """
    data = _args.frame(data, "data")
    by = _args.texts(by, "by")
    if not by:
        raise ValueError("by must name the columns of the groups")
    _args.numeric(data, value=value)
    design = _Design.of(data, weight, strata, psu, fpc, answers=value, by=by, within=within)
    frame = data.with_row_index("_row").filter(design.answered)
    reference = pl.col(within) if within else pl.lit(0)
    groups = frame.group_by(*by, maintain_order=True).agg(
        pl.col("_row"), reference.n_unique().alias("_references"), reference.first().alias("_reference")
    )
    if (split := groups.filter(pl.col("_references") > 1)).height:
        first = split.row(0, named=True)
        raise StatsInputError(
            f"group {', '.join(f'{c} = {first[c]!r}' for c in by)} lies in more than one group of `{within}`"
        )
    references = dict(frame.group_by(reference.alias("_reference")).agg(pl.col("_row")).iter_rows())
    # Each reference once (the core prepares it for all its groups), and each group's.
    number = {r: k for k, r in enumerate(references)}
    found = _core.survey_contrasts(
        design.weights,
        data[value].cast(pl.Float64).fill_null(0.0).to_list(),
        design.strata,
        design.psus,
        design.population,
        lonely_psu,
        groups["_row"].to_list(),
        list(references.values()),
        [number[r] for r in groups["_reference"]],
    )
    keys: list[pl.Expr] = [pl.col(c) for c in by]
    if within and within not in by:
        keys.append(pl.col("_reference").alias(within))
    return _tested(groups.select(keys), [r[:4] for r in found], adjust)


def survey_change(
    data: pl.DataFrame,
    value: str,
    *,
    weight: str,
    round: str,
    by: Sequence[str] = (),
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    lonely_psu: str = "fail",
    adjust: str | None = None,
) -> pl.DataFrame:
    """Each group's change from one round of the monitor to the next: every round (the
    values of ``round``, in order) is its own sample, with its own design; per group of the
    ``by`` columns, the later round's design-based mean minus the earlier's, the standard
    error ``√(se₁² + se₂²)``, the degrees of freedom added and the two-sided t test's
    p-value, as R's ``svyby`` over the stacked rounds (strata crossed with the round) and
    ``svycontrast``. Groups missing from either round are left out. The design's arguments
    and missing values are as :func:`survey_mean`'s (a lonely-PSU option applies within
    each round).

    ``adjust``: ``"bonferroni"``, ``"holm"`` or ``"bh"`` adds ``p_adjusted`` over the
    table's tests.

    Returns the ``by`` columns, ``round``, ``previous`` (the earlier round), ``difference``,
    ``se``, ``df``, ``p_value`` (and ``p_adjusted``).

    Examples
    --------
    >>> import polars as pl
    >>> from wijkprofiel import stats
    >>> data = pl.DataFrame({"jaar": [2022] * 4 + [2024] * 4, "rookt": [1, 0, 0, 0, 1, 1, 0, 0],
    ...                      "w": [1.0] * 8})
    >>> change = stats.survey_change(data, "rookt", weight="w", round="jaar")
    >>> change.select("round", "previous", "difference").row(0)
    (2024, 2022, 0.25)
    """
    data = _args.frame(data, "data")
    by = _args.texts(by, "by")
    _args.numeric(data, value=value)
    design = _Design.of(data, weight, strata, psu, fpc, answers=value, round=round, by=by)
    groups = _codes(data, by) if by else pl.Series([0] * data.height, dtype=pl.UInt32)
    outside = pl.Series([2**32 - 1] * data.height, dtype=pl.UInt32)
    rounds = _codes(data, [round])
    found = _core.survey_changes(
        design.weights,
        data[value].cast(pl.Float64).fill_null(0.0).to_list(),
        groups.zip_with(design.answered, outside).to_list(),
        rounds.to_list(),
        design.strata,
        design.psus,
        design.population,
        lonely_psu,
    )
    keys = data.select(*by, _group=groups).unique("_group").sort("_group")
    round_values = data.select(round, _round=rounds).unique("_round").sort("_round")[round]
    at = {g: i for i, g in enumerate(keys["_group"])}
    rows = [at[r[0]] for r in found]
    out = keys.drop("_group")[rows].with_columns(
        pl.Series("round", [round_values[r[1]] for r in found], dtype=round_values.dtype),
        pl.Series("previous", [round_values[r[2]] for r in found], dtype=round_values.dtype),
    )
    return _tested(out, [r[3:] for r in found], adjust)


def _tested(frame: pl.DataFrame, tests: list, adjust: str | None) -> pl.DataFrame:
    """The frame with each row's test, ``difference``, ``se``, ``df``, ``p_value``, and with
    ``adjust`` also ``p_adjusted`` over them."""
    names = ("difference", "se", "df", "p_value")
    out = frame.with_columns(pl.Series(name, [t[k] for t in tests], dtype=pl.Float64) for k, name in enumerate(names))
    if adjust is not None:
        adjusted = _adjusted(out["p_value"].to_list(), adjust, "adjust")
        out = out.with_columns(p_adjusted=pl.Series(adjusted, dtype=pl.Float64))
    return out


def survey_chisq(
    data: pl.DataFrame,
    rows: str,
    cols: str,
    *,
    weight: str,
    strata: str | None = None,
    psu: str | None = None,
    fpc: str | None = None,
    lonely_psu: str = "fail",
) -> dict[str, Any]:
    """The Rao–Scott test of association between two categorical columns of respondent
    data (an answer and sex, age group or gemeente), as R's ``svychisq``: Pearson's X² of the
    weighted table scaled to the respondents, corrected for the design. Second order by
    default (``statistic = "F"``: F on Satterthwaite's degrees of freedom), first order
    (``"Chisq"``) where the second's degrees of freedom are not positive; ``order`` says
    which. A respondent missing either answer (null) leaves the table but not the design.
    The design's arguments are as :func:`survey_mean`'s.

    Returns a dict: ``pearson``, ``statistic``, ``ndf``, ``ddf``, ``p_value``, ``order``
    (``"second"`` or ``"first"``) and ``p_first_order``.

    Raises
    ------
    StatsInputError
        As :func:`survey_mean`; a column with fewer than two categories among the answers.

    Examples
    --------
    >>> import polars as pl
    >>> from wijkprofiel import stats
    >>> data = pl.DataFrame({"rookt": [1, 1, 1, 0, 0, 0, 0, 1], "vrouw": [1, 1, 1, 1, 0, 0, 0, 0],
    ...                      "w": [1.0] * 8})
    >>> test = stats.survey_chisq(data, "rookt", "vrouw", weight="w")
    >>> round(test["pearson"], 6), test["order"]
    (2.0, 'second')
    """
    data = _args.frame(data, "data")
    design = _Design.of(data, weight, strata, psu, fpc, answers=rows, rows=rows, cols=cols)
    outside = pl.Series([2**32 - 1] * data.height, dtype=pl.UInt32)

    def codes(column: str) -> list[int]:
        return _codes(data, [column]).zip_with(data[column].is_not_null(), outside).to_list()

    found = _core.survey_association(
        design.weights, codes(rows), codes(cols), design.strata, design.psus, design.population, lonely_psu
    )
    names = ("pearson", "statistic", "ndf", "ddf", "p_value", "order", "p_first_order")
    return dict(zip(names, found, strict=True))


def adjust_p_values(p: Sequence[float | None], *, method: str = "bh") -> list[float | None]:
    """P-values adjusted for the number of tests among them, as R's ``p.adjust``:
    ``"bonferroni"``, ``"holm"`` (both keep the chance of any false finding below the level)
    or ``"bh"`` (Benjamini–Hochberg: the expected share of false findings among the
    significant ones). A missing p-value (None or NaN) is a test not made: it stays missing
    and does not count.

    Examples
    --------
    >>> from wijkprofiel import stats
    >>> [round(v, 4) for v in stats.adjust_p_values([0.01, 0.04, 0.03, 0.005], method="holm")]
    [0.03, 0.06, 0.06, 0.02]
    """
    return _adjusted(p, method, "method")


def _adjusted(p: Sequence[float | None], method: str, argument: str) -> list[float | None]:
    """:func:`adjust_p_values`, with a bad method named as ``argument`` in the error."""
    values = [math.nan if v is None else v for v in _args.optional_floats(p, "p")]
    adjusted = _core.adjust_p_values(values, _args.text(method, argument), argument)
    return [None if math.isnan(v) else v for v in adjusted]


def percentiles(values: Sequence[float], probabilities: Sequence[float]) -> list[float]:
    """Percentiles by linear interpolation (R type 7, Excel ``PERCENTILE.INC``)."""
    return _core.percentiles(_args.floats(values, "values"), _args.floats(probabilities, "probabilities"))


def ranks(values: Sequence[float], *, highest_first: bool = False) -> list[int]:
    """Ranks from 1, ties sharing the lowest rank."""
    return _core.ranks(_args.floats(values, "values"), _args.flag(highest_first, "highest_first"))


def quantile_groups(values: Sequence[float], groups: int, *, highest_first: bool = False) -> list[int] | None:
    """Quantile groups 1..``groups`` (deciles: 10, quintiles: 5). With ``highest_first``
    group 1 holds the highest values (deprivation: group 1 is the most deprived). ``None``
    when there are fewer values than groups."""
    return _core.quantile_groups(
        _args.floats(values, "values"), _args.whole(groups, "groups", minimum=1), _args.flag(highest_first, "highest_first")
    )


def funnel_limits(kind: str, sizes: Sequence[float], *, benchmark: float = 1.0, confidence=PAIR) -> pl.DataFrame:
    """Funnel-plot control limits per size: ``kind="proportion"`` around the benchmark
    proportion (sizes are denominators; limits invert the Wilson interval), ``"ratio"``
    around 1 (sizes are expected events; exact Poisson), ``"rate"`` around the benchmark rate
    (sizes are populations)."""
    _args.choice(kind, "kind", ("proportion", "ratio", "rate"))
    sizes = _args.floats(sizes, "sizes")
    benchmark = _args.number(benchmark, "benchmark")
    columns: dict[str, list[float]] = {"size": sizes}
    for level in _args.levels(confidence):
        limits = _core.funnel_limits(kind, benchmark, sizes, level)
        columns[f"lower_{_label(level)}"] = [lo for lo, _ in limits]
        columns[f"upper_{_label(level)}"] = [hi for _, hi in limits]
    return pl.DataFrame(columns)


def funnel_significance(kind: str, x: Sequence[float], n: Sequence[float], *, benchmark: float = 1.0) -> list[str]:
    """Each area against the funnel at 95% and 99.8%: ``higher-99.8``, ``higher-95``,
    ``similar``, ``lower-95`` or ``lower-99.8``. ``kind="proportion"``: x of n against the
    benchmark proportion; ``"ratio"``: observed x against expected n."""
    _args.choice(kind, "kind", ("proportion", "ratio"))
    return _core.funnel_significance(kind, *_args.aligned(x=x, n=n), _args.number(benchmark, "benchmark"))


def trend(times: Sequence[float], values: Sequence[float], standard_errors: Sequence[float], *, confidence: float = 0.998) -> dict[str, Any]:
    """Recent trend over the last 5 points by weighted least squares (weights 1/SE²):
    significant when χ² > 9.5495 (99.8%) and the slope's sign holds when any one point is
    left out. Returns ``slope``, ``chi_square`` and ``direction``."""
    columns = _args.aligned(times=times, values=values, standard_errors=standard_errors)
    slope, chi, direction = _core.trend("weighted", *columns, _args.level(confidence))
    return {"slope": slope, "chi_square": chi, "direction": direction}


def proportion_trend(times: Sequence[float], x: Sequence[float], n: Sequence[float], *, confidence: float = 0.998) -> dict[str, Any]:
    """Recent trend in proportions by the Cochran–Armitage test, as :func:`trend`."""
    columns = _args.aligned(times=times, x=x, n=n)
    slope, chi, direction = _core.trend("cochran-armitage", *columns, _args.level(confidence))
    return {"slope": slope, "chi_square": chi, "direction": direction}


def sii(
    population: Sequence[float],
    value: Sequence[float],
    lower95: Sequence[float],
    upper95: Sequence[float],
    *,
    scale: str = "normal",
    confidence=PAIR,
    repetitions: int = 100_000,
    seed: int = 42,
) -> pl.DataFrame:
    """Slope and relative index of inequality over groups ordered from most to least
    deprived, with intervals by seeded simulation (``scale``: normal, rate or proportion)."""
    levels = _args.levels(confidence)
    _args.choice(scale, "scale", ("normal", "rate", "proportion"))
    columns = _args.aligned(population=population, value=value, lower95=lower95, upper95=upper95)
    repetitions = _args.whole(repetitions, "repetitions", minimum=1000)
    seed = _args.whole(seed, "seed")
    rows = _core.sii(*columns, scale, levels, repetitions, seed)
    names = ["sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper"]
    return pl.DataFrame([dict(zip(names, r)) for r in rows]).with_columns(confidence=pl.Series(levels))


def life_expectancy(bands: Sequence[str], deaths: Sequence[float], population: Sequence[float], *, confidence=PAIR) -> pl.DataFrame:
    """Life expectancy at the start of each of the 20 bands (``0-0``, ``1-4``, ``5-9`` ...
    ``85-89``, ``90+``) by Chiang II, with the reason where a value is withheld (population
    up to 5,000, or a 95% interval wider than 20 years).

    Examples
    --------
    >>> bands = ["0-0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
    >>> deaths = [20.0, 10.0] + [10.0] * 12 + [50.0, 100.0, 200.0, 400.0, 800.0, 1500.0]
    >>> frame = life_expectancy(bands, deaths, [10_000.0] * 20)
    >>> frame["age_band"].to_list()[:3]
    ['0-0', '1-4', '5-9']
    >>> round(frame["value"][0], 1)
    85.2
    """
    levels = _args.levels(confidence)
    deaths, population = _args.aligned(deaths=deaths, population=population)
    bands = _args.texts(bands, "bands")
    if len(bands) != len(deaths):
        raise ValueError(f"bands and deaths must be of one length (got bands {len(bands)}, deaths {len(deaths)})")
    rows = _core.life_expectancy(bands, deaths, population, levels)
    frame = _limits_frame([r[1] for r in rows], levels)
    return frame.insert_column(0, pl.Series("age_band", [r[0] for r in rows])).with_columns(
        withheld=pl.Series([r[2] for r in rows], dtype=pl.String)
    )


def smooth_rates(observed: Sequence[float], exposure: Sequence[float], *, confidence: float = 0.95) -> pl.DataFrame:
    """Empirical Bayes (Poisson–gamma) smoothed rates with posterior intervals."""
    columns = _args.aligned(observed=observed, exposure=exposure)
    _, _, _, rows = _core.smooth("rates", *columns, _args.level(confidence))
    return _limits_frame([[r] for r in rows], [confidence])


def smooth_proportions(x: Sequence[float], n: Sequence[float], *, confidence: float = 0.95) -> pl.DataFrame:
    """Empirical Bayes (beta–binomial) smoothed proportions with posterior intervals."""
    _, _, _, rows = _core.smooth("proportions", *_args.aligned(x=x, n=n), _args.level(confidence))
    return _limits_frame([[r] for r in rows], [confidence])


def compare(
    lower: Any,
    upper: Any,
    benchmark: float | Sequence[float | None],
    *,
    lower_outer: Any = None,
    upper_outer: Any = None,
    polarity: str = "higher-better",
) -> list[str]:
    """Judge areas against a benchmark, row by row, as the profiles do.

    The benchmark inside the inner (95%) interval is ``similar``; outside it ``better`` or
    ``worse`` by ``polarity`` (``higher``/``lower`` for ``"no-judgement"``), and ``best`` or
    ``worst`` when also outside the outer (99.8%) interval, if given. A missing limit or
    benchmark gives ``not-available``.

    Parameters
    ----------
    lower, upper
        The inner limits (Series or sequences).
    benchmark
        One value for every row, or one per row.
    lower_outer, upper_outer
        The outer limits, optional.
    polarity
        ``"higher-better"``, ``"lower-better"``, ``"no-judgement"`` or ``"not-compared"``.

    Examples
    --------
    >>> from wijkprofiel import stats
    >>> stats.compare([0.25, 0.10], [0.35, 0.30], 0.24, lower_outer=[0.22, 0.05],
    ...               upper_outer=[0.38, 0.35], polarity="lower-better")
    ['worse', 'similar']
    """
    _args.text(polarity, "polarity")
    limits = {"lower": lower, "upper": upper, "lower_outer": lower_outer, "upper_outer": upper_outer}
    n = len(_optional(lower, "lower"))
    if isinstance(benchmark, (int, float)) and not isinstance(benchmark, bool):
        benchmark = [benchmark] * n
    columns = {name: _optional(v, name) if v is not None else [None] * n for name, v in {**limits, "benchmark": benchmark}.items()}
    if len({len(c) for c in columns.values()}) > 1:
        said = ", ".join(f"{name} {len(c)}" for name, c in columns.items())
        raise ValueError(f"lower, upper, lower_outer, upper_outer, benchmark must be of one length (got {said})")
    return _core.compare(
        list(zip(columns["lower"], columns["upper"], strict=True)),
        list(zip(columns["lower_outer"], columns["upper_outer"], strict=True)),
        columns["benchmark"],
        polarity,
    )


def _optional(values: Any, name: str) -> list[float | None]:
    """Numbers where a value may be missing (None, or null in a Series)."""
    return _args.optional_floats(values, name)
