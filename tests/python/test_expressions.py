"""The expression plugins give what the frame functions of wijkprofiel.stats give (those are
checked against statsmodels and PHStatsMethods in test_stats_oracle.py), inside lazy
queries, group-bys and with nulls; bad input is a polars error, never a crash."""

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wijkprofiel import expr, stats

COUNTS = pl.DataFrame(
    {
        "wijk": ["A", "B", "C", "D"],
        "x": [0, 7, 40, None],
        "n": [25, 150, 410, 90],
    }
)


@pytest.mark.parametrize(
    ("method", "frame_function", "multiplier"),
    [(expr.proportion, stats.proportion, 100.0), (expr.rate, stats.rate, 1000.0)],
)
def test_row_by_row_methods_equal_the_frame_functions(method, frame_function, multiplier):
    lazy = (
        COUNTS.lazy()
        .filter(pl.col("n") > 0)
        .with_columns(method("x", "n", multiplier=multiplier).alias("out"))
        .unnest("out")
        .collect()
    )
    expected = frame_function(COUNTS["x"], COUNTS["n"], multiplier=multiplier)
    assert_frame_equal(lazy.select(expected.columns), expected)
    assert lazy["value"].null_count() == 1, "a null count gives a null row"


def test_dsr_per_group_equals_the_frame_function():
    bands = ["0-64", "65+"]
    data = pl.DataFrame(
        {
            "area": ["A", "A", "B", "B", "C", "C"],
            "age_band": bands * 3,
            "events": [30, 40, 3, 2, 120, 300],
            "population": [1000, 200, 900, 150, 5000, 1200],
        }
    )
    standard = {"0-64": 80.0, "65+": 20.0}
    grouped = (
        data.lazy()
        .group_by("area")
        .agg(expr.dsr("age_band", "events", "population", standard=standard))
        .unnest("dsr")
        .sort("area")
        .collect()
    )
    expected = stats.dsr(data, by="area", standard=standard).sort("area")
    columns = ["area", "value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]
    assert_frame_equal(grouped.select(columns), expected.select(columns))
    assert grouped.filter(pl.col("area") == "B")["value"][0] is None, "5 events: withheld"


def test_bad_input_is_a_polars_error_naming_the_rule():
    with pytest.raises(pl.exceptions.ComputeError, match="row 1"):
        pl.DataFrame({"x": [5, 6], "n": [10, 5]}).select(expr.proportion("x", "n"))
    with pytest.raises(pl.exceptions.ComputeError, match="age band"):
        pl.DataFrame({"b": ["old"], "e": [10], "p": [100]}).select(expr.dsr("b", "e", "p"))
    with pytest.raises(pl.exceptions.ComputeError, match="numeric"):
        pl.DataFrame({"x": ["a"], "n": [5]}).select(expr.rate("x", "n"))
