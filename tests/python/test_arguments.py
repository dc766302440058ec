"""Every argument of the public Python API, given a value of the wrong kind, either works or
raises an error that names it (in its message, or in the note pyo3 adds to a method's
argument: "while processing 'code'") — never an AttributeError, an OverflowError, a bare
conversion error or a panic. The list of calls is checked against the API itself, so a new
function or argument without a case here fails."""

from __future__ import annotations

import inspect
from pathlib import Path

import polars as pl
import pyreadstat
import pytest

import wijkprofiel
from wijkprofiel import expr, io, stats
from wijkprofiel.exceptions import StatsInputError

BANDS = ["0-0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]

# What an analyst may pass by mistake: other kinds of values, out-of-range numbers, frames of
# other kinds, a text where a sequence belongs and a sequence of the wrong things.
WRONG = [
    object(),
    "nothing-here",
    -1,
    2**70,
    float("nan"),
    True,
    [object()],
    {"a": 1},
    pl.LazyFrame({"a": [1]}),
]


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    """Each public callable with a valid call of every argument by name."""
    region = wijkprofiel.load()
    profiles = region.build({"years": [2024]})
    folder = tmp_path_factory.mktemp("arguments")
    counts = pl.DataFrame({"g": ["a", "a"], "band": ["0-64", "65+"], "x": [10, 20], "n": [100, 200]})
    survey = pl.DataFrame(
        {
            "w": [1.0, 2.0, 1.0, 2.0, 1.0, 1.0, 2.0, 1.0],
            "y": [0, 1, 1, 0, 1, 0, 1, 1],
            "st": [1, 1, 1, 1, 2, 2, 2, 2],
            "psu": [1, 1, 2, 2, 3, 3, 4, 4],
            "area": ["a", "b"] * 4,
            "gm": ["g"] * 8,
            "round": [2020] * 4 + [2024] * 4,
            "c": ["p", "q", "q", "p"] * 2,
            "fpc": [10.0] * 8,
        }
    )
    sav = folder / "monitor.sav"
    pyreadstat.write_sav(survey.to_pandas(), str(sav))
    design = {"weight": "w", "strata": "st", "psu": "psu", "fpc": "fpc", "lonely_psu": "fail"}
    standard = {"0-64": 80.0, "65+": 20.0}
    demo = Path(__file__).parents[2] / "data" / "demo"
    tables = {f.stem: pl.read_csv(f, comment_prefix="#", infer_schema_length=0) for f in demo.glob("*.csv")}
    tables |= {f.stem: pl.read_parquet(f) for f in demo.glob("*.parquet")}
    documents = {name: (demo / f"{name}.{kind}").read_text() for name, kind in (("catalogue", "toml"), ("geometry", "geojson"), ("dataset", "toml"))}
    members = [{"id": "X", "name": "x", "kind": "other", "members": ["WK990100"]}]
    return {
        "wijkprofiel.load": (wijkprofiel.load, {"path": None}),
        "wijkprofiel.validate": (wijkprofiel.validate, {"path": None}),
        "wijkprofiel.load_table": (wijkprofiel.load_table, {"table": "population", "path": None}),
        "wijkprofiel.write_demo_data": (wijkprofiel.write_demo_data, {"out": str(folder / "demo"), "seed": 1}),
        "wijkprofiel.build": (
            wijkprofiel.build,
            {
                "region": region,
                "years": [2024],
                "standard_population": None,
                "national_benchmark": "NL01",
                "confidence": (0.95, 0.998),
                "language": "en",
                "map_colours": "value",
                "disclosure": None,
            },
        ),
        "wijkprofiel.from_tables": (wijkprofiel.from_tables, {"tables": tables, **documents}),
        "wijkprofiel.validate_tables": (wijkprofiel.validate_tables, {"tables": tables, **documents}),
        "Region.table": (region.table, {"name": "population"}),
        "Region.build": (region.build, {"settings": {"years": [2024]}}),
        "Region.with_custom_areas": (region.with_custom_areas, {"areas": members}),
        "Profiles.area": (profiles.area, {"code": "WK990100"}),
        "Profiles.tabellenboek": (profiles.tabellenboek, {"code": "GM9901"}),
        "Profiles.write": (profiles.write, {"out": str(folder / "out"), "shard": None}),
        "io.read_spss": (io.read_spss, {"path": str(sav)}),
        "stats.proportion": (stats.proportion, {"x": [1, 2], "n": [10, 20], "confidence": 0.95, "multiplier": 100.0}),
        "stats.rate": (stats.rate, {"x": [1, 2], "n": [10, 20], "confidence": 0.95, "multiplier": 1000.0}),
        "stats.dsr": (
            stats.dsr,
            {
                "data": counts,
                "by": "g",
                "band": "band",
                "events": "x",
                "population": "n",
                "standard": standard,
                "confidence": 0.95,
                "multiplier": 1000.0,
            },
        ),
        "stats.dsr_from_lists": (
            stats.dsr_from_lists,
            {
                "bands": ["0-64", "65+"],
                "events": [10.0, 20.0],
                "population": [100.0, 200.0],
                "standard": standard,
                "repeats": None,
                "confidence": 0.95,
                "multiplier": 1000.0,
            },
        ),
        "stats.indirect": (
            stats.indirect,
            {
                "observed": 12.0,
                "population": [100.0, 200.0],
                "reference_events": [5.0, 30.0],
                "reference_population": [1000.0, 1000.0],
                "confidence": 0.95,
                "multiplier": 1.0,
            },
        ),
        "stats.mean": (stats.mean, {"values": [1.0, 2.0, 4.0], "confidence": 0.95}),
        "stats.survey_mean": (
            stats.survey_mean,
            {"data": survey, "value": "y", "by": ["area"], "interval": "logit", "confidence": 0.95, **design},
        ),
        "stats.survey_contrast": (
            stats.survey_contrast,
            {"data": survey, "value": "y", "by": ["area"], "within": "gm", "adjust": "bh", **design},
        ),
        "stats.survey_change": (
            stats.survey_change,
            {"data": survey, "value": "y", "round": "round", "by": ["area"], "adjust": "holm", **design},
        ),
        "stats.survey_chisq": (stats.survey_chisq, {"data": survey, "rows": "c", "cols": "area", **design}),
        "stats.adjust_p_values": (stats.adjust_p_values, {"p": [0.01, None, 0.2], "method": "bh"}),
        "stats.percentiles": (stats.percentiles, {"values": [1.0, 2.0, 3.0], "probabilities": [0.5]}),
        "stats.ranks": (stats.ranks, {"values": [1.0, 2.0], "highest_first": True}),
        "stats.quantile_groups": (
            stats.quantile_groups,
            {"values": [1.0, 2.0, 3.0, 4.0, 5.0], "groups": 5, "highest_first": False},
        ),
        "stats.funnel_limits": (
            stats.funnel_limits,
            {"kind": "proportion", "sizes": [10.0, 100.0], "benchmark": 0.5, "confidence": 0.95},
        ),
        "stats.funnel_significance": (
            stats.funnel_significance,
            {"kind": "proportion", "x": [1.0, 5.0], "n": [10.0, 10.0], "benchmark": 0.5},
        ),
        "stats.trend": (
            stats.trend,
            {"times": [1.0, 2.0, 3.0], "values": [1.0, 2.0, 3.0], "standard_errors": [0.1] * 3, "confidence": 0.95},
        ),
        "stats.proportion_trend": (
            stats.proportion_trend,
            {"times": [1.0, 2.0, 3.0], "x": [1.0, 2.0, 3.0], "n": [10.0] * 3, "confidence": 0.95},
        ),
        "stats.sii": (
            stats.sii,
            {
                "population": [100.0] * 5,
                "value": [1.0, 2.0, 3.0, 4.0, 5.0],
                "lower95": [0.5, 1.5, 2.5, 3.5, 4.5],
                "upper95": [1.5, 2.5, 3.5, 4.5, 5.5],
                "scale": "normal",
                "confidence": 0.95,
                "repetitions": 1000,
                "seed": 1,
            },
        ),
        "stats.life_expectancy": (
            stats.life_expectancy,
            {"bands": BANDS, "deaths": [5.0] * 20, "population": [10_000.0] * 20, "confidence": 0.95},
        ),
        "stats.smooth_rates": (
            stats.smooth_rates,
            {"observed": [1.0, 2.0, 3.0], "exposure": [10.0, 20.0, 30.0], "confidence": 0.95},
        ),
        "stats.smooth_proportions": (
            stats.smooth_proportions,
            {"x": [1.0, 2.0, 3.0], "n": [10.0, 20.0, 30.0], "confidence": 0.95},
        ),
        "stats.compare": (
            stats.compare,
            {
                "lower": [0.2],
                "upper": [0.3],
                "benchmark": 0.25,
                "lower_outer": [0.1],
                "upper_outer": [0.4],
                "polarity": "lower-better",
            },
        ),
        "expr.proportion": (expr.proportion, {"x": "x", "n": "n", "confidence": 0.95, "multiplier": 100.0}),
        "expr.rate": (expr.rate, {"x": "x", "n": "n", "confidence": 0.95, "multiplier": 100.0}),
        "expr.dsr": (
            expr.dsr,
            {"band": "band", "events": "x", "population": "n", "standard": standard, "confidence": 0.95, "multiplier": 1.0},
        ),
    }


def public_api() -> dict[str, object]:
    """Every public function and method, by the name the calls above use."""
    found = {}
    for module, prefix in ((wijkprofiel, "wijkprofiel"), (stats, "stats"), (expr, "expr"), (io, "io")):
        names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
        for name in names:
            thing = getattr(module, name)
            if inspect.isfunction(thing) and thing.__module__.startswith("wijkprofiel"):
                found[f"{prefix}.{name}"] = thing
    for cls in (wijkprofiel.Region, wijkprofiel.Profiles):
        for name, thing in vars(cls).items():
            if not name.startswith("_") and callable(thing) and not isinstance(thing, staticmethod):
                found[f"{cls.__name__}.{name}"] = thing
    return found


def arguments(thing) -> set[str]:
    """The arguments a caller gives (not ``self``); none for a method without a signature."""
    try:
        parameters = inspect.signature(thing).parameters
    except (TypeError, ValueError):
        return set()
    return {p for p in parameters if p not in ("self", "$self")}


def test_every_public_function_and_argument_has_a_case(calls):
    api = public_api()
    taking = {name for name, thing in api.items() if arguments(thing)}
    assert taking - set(calls) == set(), "public functions without a case here"
    for name, (_, valid) in calls.items():
        if name in api:
            assert arguments(api[name]) <= set(valid), f"{name}: arguments without a case here"


def named(error: BaseException, argument: str, wrong: object) -> bool:
    """Whether the error names the argument, or quotes the text given (a table, a file or
    a setting that does not exist says which)."""
    said = " ".join([str(error), *getattr(error, "__notes__", [])])
    return argument in said or (isinstance(wrong, str) and wrong in said)


def test_a_wrong_value_of_any_argument_is_named_or_accepted(calls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a text given as a folder is a folder here
    allowed = (TypeError, ValueError, KeyError, OSError, wijkprofiel.WijkprofielError)
    unnamed = []
    for name, (function, valid) in calls.items():
        function(**valid)  # each case is a valid call
        for argument in valid:
            for wrong in WRONG:
                given = dict(valid, **{argument: wrong})
                try:
                    function(**given)
                except allowed as error:
                    if type(error) in (AttributeError, OverflowError) or not named(error, argument, wrong):
                        unnamed.append(f"{name}({argument}={wrong!r:.20}): {type(error).__name__}: {error}")
    assert unnamed == [], "\n".join(unnamed)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: stats.trend([1, 2, 3], [1.0, 2.0], [0.1, 0.1, 0.1]), "times, values, standard_errors must be of one length"),
        (lambda: stats.quantile_groups([1.0, 2.0], 0), "groups must be a whole number of at least 1, not 0"),
        (lambda: stats.proportion([1, 2], [10]), "x, n must be of one length (got x 2, n 1)"),
        (lambda: stats.mean([1.0, 2.0], confidence=95), "confidence must lie between 0 and 1 (0.95 for 95%), not 95"),
        (lambda: stats.ranks([1.0], highest_first="yes"), "highest_first must be True or False, not str"),
        (lambda: stats.compare([0.1], [0.2], [0.1, 0.2]), "must be of one length"),
        (lambda: stats.survey_mean(pl.DataFrame({"y": [1], "w": ["1"]}), "y", weight="w"), "weight: column 'w' must hold numbers, not String"),
        (lambda: stats.sii([1.0], [1.0], [1.0], [1.0], repetitions=-1), "repetitions must be a whole number of at least 1000, not -1"),
        (lambda: wijkprofiel.build(object()), "region must be a Region, a data folder or None, not object"),
        (lambda: wijkprofiel.Region.load().build({"years": object()}), "build settings: `years`: Object of type object is not JSON serializable"),
        (lambda: wijkprofiel.write_demo_data("/nonexistent/x", seed=-1), "seed must be a whole number of at least 0, not -1"),
        (lambda: expr.proportion(1, "n"), "x must be a column name or a polars expression, not int"),
        (lambda: wijkprofiel.Region.load().with_custom_areas([1]), "areas must hold one mapping (dict) per area: row 1 is int"),
    ],
)
def test_argument_messages_say_what_is_wrong(call, message):
    with pytest.raises((TypeError, ValueError, StatsInputError)) as caught:
        call()
    assert message in str(caught.value)
