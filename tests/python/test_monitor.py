"""The health monitor's respondents as analysts hold them: the demo's monitor written as the
SPSS file a GGD receives, read back with `wijkprofiel.io.read_spss`, and given as a
DataFrame; the GGD figures made from it are those made from the folder's Parquet file, and
agree with `stats.survey_mean` per gemeente."""

from pathlib import Path

import polars as pl
import pytest

import wijkprofiel
from wijkprofiel import io, stats

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
QUESTIONS = {"GZGGA401": "Hoe is over het algemeen uw gezondheid?", "LFRKA401": "Rookt u wel eens?"}


@pytest.fixture(scope="module")
def sav(tmp_path_factory) -> Path:
    import pyreadstat

    path = tmp_path_factory.mktemp("monitor") / "respondenten.sav"
    monitor = pl.read_parquet(DEMO / "respondents.parquet")
    pyreadstat.write_sav(
        monitor,
        str(path),
        column_labels=[QUESTIONS.get(c, c) for c in monitor.columns],
        variable_value_labels={
            "GZGGA401": {1: "Zeer goed", 2: "Goed", 3: "Gaat wel", 4: "Slecht", 5: "Zeer slecht", 9: "Onbekend"},
            "LFRKA401": {1: "Ja", 2: "Nee", 9: "Onbekend"},
        },
        missing_ranges={"GZGGA401": [9], "LFRKA401": [9]},
    )
    return path


def test_an_spss_file_reads_with_its_codes_and_labels(sav):
    monitor = io.read_spss(sav)
    parquet = pl.read_parquet(DEMO / "respondents.parquet")
    assert monitor.data.columns == parquet.columns
    assert monitor.data.height == parquet.height
    # Codes stay codes, user-missing ones included; numbers are SPSS doubles.
    for column in ("GZGGA401", "LFRKA401", "age", "year"):
        assert monitor.data[column].cast(pl.Int64).to_list() == parquet[column].cast(pl.Int64).to_list()
    assert monitor.data["ewGGD"].to_list() == pytest.approx(parquet["ewGGD"].to_list(), rel=1e-15)
    assert monitor.data["area_code"].to_list() == parquet["area_code"].to_list()
    assert monitor.missing == {"GZGGA401": [9.0], "LFRKA401": [9.0]}
    assert monitor.value_labels["GZGGA401"][1.0] == "Zeer goed"
    assert monitor.variable_labels["LFRKA401"] == "Rookt u wel eens?"


def test_bad_spss_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no SPSS file at"):
        io.read_spss(tmp_path / "missing.sav")
    broken = tmp_path / "broken.sav"
    broken.write_bytes(b"not an SPSS file at all")
    with pytest.raises(ValueError, match="broken.sav: not a readable SPSS file"):
        io.read_spss(broken)


def test_figures_from_the_spss_file_equal_those_from_the_folder(sav):
    region = wijkprofiel.load(DEMO)
    names = ["population", "gp_counts", "ggd_estimates", "benchmarks", "benchmark_rates"]
    tables = {name: region.table(name) for name in names}
    for name in ("areas", "practices", "providers", "projects"):
        tables[name] = pl.read_csv(DEMO / f"{name}.csv", comment_prefix="#", infer_schema=False)
    tables["respondents"] = io.read_spss(sav).data
    from_spss = wijkprofiel.from_tables(
        tables,
        catalogue=(DEMO / "catalogue.toml").read_text(),
        geometry=(DEMO / "geometry.geojson").read_text(),
        dataset=(DEMO / "dataset.toml").read_text(),
    ).with_custom_areas((DEMO / "custom_areas.geojson").read_text())
    survey = pl.col("method") == "survey-design"
    mine = wijkprofiel.build(from_spss).table().filter(survey)
    theirs = wijkprofiel.build(region).table().filter(survey)
    assert mine.height == theirs.height > 1000
    assert mine.equals(theirs)


def test_gemeente_figures_are_the_design_based_estimates(sav):
    profiles = wijkprofiel.build(wijkprofiel.load(DEMO), disclosure={"enabled": False, "allow_loosening": True})
    table = profiles.table().filter(
        (pl.col("indicator") == "ggd_roker") & (pl.col("level") == "gemeente") & (pl.col("year") == 2024)
    ).sort("area_code")
    # Answer 9 (unknown) is missing: no value, the respondent stays in the design.
    monitor = (
        io.read_spss(sav)
        .data.filter(pl.col("year") == 2024)
        .with_columns(
            roker=pl.when(pl.col("LFRKA401") != 9).then((pl.col("LFRKA401") == 1).cast(pl.Int8))
        )
    )
    monitor = monitor.with_columns(gemeente=pl.col("area_code").str.slice(2, 4).map_elements(
        lambda digits: f"GM{digits}", return_dtype=pl.String))
    expected = stats.survey_mean(
        monitor, "roker", weight="ewGGD", by=["gemeente"], strata="stratum", fpc="fpc", confidence=0.95
    ).sort("gemeente")
    assert table["area_code"].to_list() == expected["gemeente"].to_list()
    assert table["denominator"].to_list() == expected["respondents"].cast(pl.Float64).to_list()
    assert table["value"].to_list() == pytest.approx((100 * expected["value"]).to_list(), rel=1e-12)
    assert table["lower_95"].to_list() == pytest.approx((100 * expected["lower_95"]).to_list(), rel=1e-12)
    assert table["upper_95"].to_list() == pytest.approx((100 * expected["upper_95"]).to_list(), rel=1e-12)


def test_the_monitor_table_holds_each_sex_and_age_group_as_survey_makes_it(sav):
    profiles = wijkprofiel.build(wijkprofiel.load(DEMO), years=[2024])
    table = profiles.monitor().filter(
        (pl.col("indicator") == "ggd_roker") & (pl.col("level") == "gemeente") & (pl.col("status") == "published")
    )
    assert set(table["sex"]) == {"all", "male", "female"}
    assert set(table["age_group"].drop_nulls()) == {"18-64", "65+"}
    monitor = (
        io.read_spss(sav)
        .data.filter(pl.col("year") == 2024)
        .with_columns(
            roker=pl.when(pl.col("LFRKA401") != 9).then((pl.col("LFRKA401") == 1).cast(pl.Int8)),
            gemeente=pl.format("GM{}", pl.col("area_code").str.slice(2, 4)),
            group=pl.when(pl.col("age") >= 65).then(pl.lit("65+")).otherwise(pl.lit("18-64")),
        )
    )
    for by, rows in (
        ("sex", table.filter(pl.col("sex") != "all", pl.col("age_group").is_null())),
        ("group", table.filter(pl.col("sex") == "all", pl.col("age_group").is_not_null())),
    ):
        expected = stats.survey_mean(
            monitor, "roker", weight="ewGGD", by=["gemeente", by], strata="stratum", fpc="fpc", confidence=0.95
        )
        column = "sex" if by == "sex" else "age_group"
        joined = rows.join(expected, left_on=["area_code", column], right_on=["gemeente", by], suffix="_r")
        assert joined.height == rows.height > 10
        assert joined["respondents"].to_list() == joined["respondents_r"].cast(pl.Float64).to_list()
        assert joined["value"].to_list() == pytest.approx((100 * joined["value_r"]).to_list(), rel=1e-12)
        assert joined["se"].to_list() == pytest.approx((100 * joined["se_r"]).to_list(), rel=1e-12)
        assert joined["upper_95"].to_list() == pytest.approx((100 * joined["upper_95_r"]).to_list(), rel=1e-12)
