"""The profile API for analysts: build from a folder or from DataFrames, results as polars
DataFrames, one area's profile, the batch outputs equal to the command line's, and the
error classes."""

import json
import subprocess
from pathlib import Path

import polars as pl
import pytest

import wijkprofiel
from wijkprofiel import (
    AreaNotFoundError,
    InvalidDataError,
    SettingsError,
    WijkprofielError,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def region() -> wijkprofiel.Region:
    return wijkprofiel.load()


@pytest.fixture(scope="module")
def profiles(region: wijkprofiel.Region) -> wijkprofiel.Profiles:
    return wijkprofiel.build(region)


def test_regions_and_profiles_describe_themselves(region, profiles):
    assert "300 buurt, 60 wijk, 8 gemeente" in region.summary
    assert repr(region) == 'Region("Regio Lindewaard (synthetische demodata)", 373 areas)'
    assert repr(profiles).startswith("Profiles(372 areas")
    assert repr(profiles.area("BU99070303")) == 'AreaProfile("BU99070303")'
    assert region.table("areas") is None, "kept as records, not a DataFrame"
    with pytest.raises(KeyError, match="unknown table"):
        region.table("nonsense")


def test_the_long_table_has_one_row_per_key_and_no_withheld_counts(profiles):
    table = profiles.table()
    assert isinstance(table, pl.DataFrame)
    keys = ["area_code", "indicator", "year", "mode"]
    assert table.select(keys).unique().height == table.height
    assert table["area_code"].n_unique() == len(profiles.areas) == 372
    published = table.filter(pl.col("status") == "published")
    assert published["value"].null_count() == 0
    counts = published.filter(pl.col("source") != "ggd")["numerator"].drop_nulls()
    assert ((counts == 0) | (counts >= 10)).all()
    suppressed = table.filter(pl.col("status") == "suppressed")
    assert suppressed.height > 100
    assert suppressed["numerator"].null_count() == suppressed.height


def test_the_audit_matches_the_summary_and_the_flags(profiles):
    audit = profiles.withheld()
    summary = profiles.summary
    withheld = summary["withheld_counts"]
    by_reason = ("primary_count", "small_denominator", "complementary")
    assert audit.height == sum(withheld[k] for k in by_reason)
    assert 0 < withheld["overlap"] <= withheld["complementary"]
    assert audit.filter(pl.col("reason") == "complementary").height == withheld["complementary"]
    assert "value" not in audit.columns and "numerator" not in audit.columns
    table = profiles.table()
    flagged = table.filter(
        pl.col("numerator_withheld").is_not_null() & (pl.col("source") != "cbs")
    )
    assert flagged.height == audit.filter(pl.col("count") == "events").height
    # As published, a flag names the rule family only, never the rule.
    assert set(flagged["numerator_withheld"]) == set(audit["family"]) == {"small-numbers"}


def test_themes_spine_and_social_map_are_frames(profiles):
    themes = profiles.themes()
    first = themes.filter(pl.col("area_code") == "WK990100").sort("rank")
    assert first["rank"].to_list() == list(range(1, first.height + 1))
    # Ranked by the number of indicators worse than the benchmark, most first.
    assert first["worse"].to_list() == sorted(first["worse"].to_list(), reverse=True)
    spine = profiles.spine()
    ordered = spine.drop_nulls(["worst", "best"])
    assert ordered.height > 100
    assert ordered.select(
        (pl.col("p25") <= pl.col("median")) | (pl.col("p25") >= pl.col("median"))
    ).to_series().all()
    social = profiles.social_map()
    wijken = social.filter(pl.col("level") == "wijk")
    complete = wijken.filter(pl.col("triangle_complete"))
    assert 0 < complete.height < wijken.height
    assert (complete.select(["gp", "district_nurse", "health_broker", "social_worker"]) > 0).to_numpy().all()


def test_one_area_gives_its_json_document(profiles):
    area = profiles.area("WK990100")
    doc = json.loads(area.to_json())
    assert doc["schema_version"] == 1
    assert doc["area"]["name"] == "Centrum"
    assert doc["dataset"]["synthetic"] is True
    page = area.to_html()
    assert page.startswith("<!DOCTYPE html>") and "Centrum" in page and "<svg" in page
    card = area._repr_html_()
    assert "wijkprofiel-card" in card and "<svg" in card
    with pytest.raises(AreaNotFoundError) as caught:
        profiles.area("WK000000")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, WijkprofielError)
    assert "WK000000" in str(caught.value)


def test_options_are_keyword_arguments_with_safe_defaults(region, profiles):
    only = wijkprofiel.build(region, years=[2023, 2024], language="en", confidence=(0.9, 0.99))
    table = only.table()
    assert sorted(table["year"].unique().to_list()) == [2023, 2024]
    assert "lower_90" in table.columns and "upper_99" in table.columns
    dutch = {"0-64": 80.0, "65+": 20.0}
    with pytest.raises(SettingsError):
        wijkprofiel.build(region, standard_population=dutch, years=[2024])
    loosened = wijkprofiel.build(
        region, years=[2024], disclosure={"enabled": False, "allow_loosening": True}
    )
    assert loosened.summary["suppressed"] == 0
    assert loosened.summary["published"] > profiles.summary["published"] / 5
    rounded = wijkprofiel.build(region, years=[2024], disclosure={"round_to": 5})
    counts = rounded.table()["numerator"].drop_nulls()
    assert (counts % 5 == 0).all()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"years": [1999]}, "year 1999"),
        ({"language": "fr"}, "language `fr`"),
        ({"confidence": (0.95, 1.5)}, "1.5"),
        ({"disclosure": {"min_count": 5}}, "allow_loosening"),
        ({"disclosure": {"colour": "red"}}, "colour"),
        ({"standard_population": {"old": 1.0}}, "`old`"),
        ({"years": "2024"}, "`years`"),
        ({"years": [2**40]}, "`years`"),
        ({"national_benchmark": 1}, "`national_benchmark`"),
        ({"disclosure": [1]}, "`disclosure` must be a mapping (a dict), not list"),
        ({"standard_population": "esp2013"}, "`standard_population` must be a mapping (a dict), not str"),
    ],
)
def test_bad_settings_raise_settings_error(region, kwargs, needle):
    with pytest.raises(SettingsError) as caught:
        wijkprofiel.build(region, **kwargs)
    assert isinstance(caught.value, ValueError)
    assert needle in str(caught.value)


def test_regions_come_from_dataframes_too(region, profiles):
    folder = ROOT / "data" / "demo"
    names = ["areas", "population", "gp_counts", "practices", "ggd_estimates", "respondents",
             "benchmarks", "benchmark_rates", "providers", "projects"]
    tables = {}
    for name in names:
        frame = region.table(name)
        if frame is None:
            # Tables the region keeps as typed records: read from the folder.
            csv = folder / f"{name}.csv"
            frame = pl.read_csv(csv, comment_prefix="#", infer_schema=False)
        tables[name] = frame
    again = wijkprofiel.from_tables(
        tables,
        catalogue=(folder / "catalogue.toml").read_text(),
        geometry=(folder / "geometry.geojson").read_text(),
        dataset=(folder / "dataset.toml").read_text(),
    ).with_custom_areas((folder / "custom_areas.geojson").read_text())
    assert again.table("gp_counts").equals(region.table("gp_counts"))
    assert wijkprofiel.build(again).table().equals(profiles.table())
    with pytest.raises(InvalidDataError) as caught:
        wijkprofiel.from_tables({"population": tables["population"]}, catalogue="")
    assert caught.value.report.problem_count > 0


def test_python_writes_what_the_command_line_writes(profiles, tmp_path):
    python_out, cli_out = tmp_path / "python", tmp_path / "cli"
    documents, rows = profiles.write(python_out)
    assert (documents, rows) == (372, profiles.table().height)
    subprocess.run(
        ["cargo", "run", "-q", "-p", "wijkprofiel-cli", "--", "build", "--out", str(cli_out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for name in ["profile.parquet", "profile.csv", "suppression.csv", "metadata.json",
                 "owner-only/suppression.csv", "owner-only/summary.json",
                 "areas/WK990100.json", "areas/BU99070303.json"]:
        assert (python_out / name).read_bytes() == (cli_out / name).read_bytes(), name
    with pytest.raises(SettingsError):
        profiles.write(tmp_path / "x", shard="4/3")


def test_every_error_is_a_wijkprofiel_error_with_its_standard_base():
    from wijkprofiel import DataFolderError, StatsInputError

    bases = {
        InvalidDataError: ValueError,
        DataFolderError: OSError,
        StatsInputError: ValueError,
        SettingsError: ValueError,
        AreaNotFoundError: KeyError,
    }
    for kind, base in bases.items():
        assert issubclass(kind, WijkprofielError) and issubclass(kind, base), kind
    # And a caller catching the base catches the core's errors.
    with pytest.raises(WijkprofielError):
        wijkprofiel.load("/nonexistent/folder")
