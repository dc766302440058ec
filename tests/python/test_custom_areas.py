"""Custom areas from Python: defined as a DataFrame (members or a drawn polygon), profiled
like any CBS area, and bad definitions reported by row."""

from __future__ import annotations

import json

import polars as pl
import pytest

import wijkprofiel
from wijkprofiel.exceptions import InvalidDataError


@pytest.fixture(scope="module")
def demo() -> wijkprofiel.Region:
    return wijkprofiel.load()


def wijk_buurten(region: wijkprofiel.Region, wijk: str) -> list[str]:
    areas = region.table("population")
    assert areas is not None
    codes = areas["area_code"].unique().sort().to_list()
    return [c for c in codes if c.startswith("BU" + wijk[2:])]


def test_the_demo_ships_three_custom_areas(demo: wijkprofiel.Region) -> None:
    areas = demo.custom_areas()
    kinds = dict(areas.select("id", "kind").unique().iter_rows())
    assert kinds == {
        "SD-NOORD": "stadsdeel",
        "ST-DE-BRUG": "social-team",
        "WG-HA0013": "practice-catchment",
    }
    catchment = areas.filter(pl.col("id") == "WG-HA0013")
    # The drawn catchment cuts buurten: those under half inside are reported, not counted.
    assert catchment.filter(~pl.col("member"))["share"].max() < 0.5
    assert catchment.filter(pl.col("member"))["share"].min() >= 0.5


def test_a_custom_area_of_a_wijks_buurten_matches_the_wijk(demo: wijkprofiel.Region) -> None:
    members = wijk_buurten(demo, "WK990107")
    frame = pl.DataFrame(
        {"id": ["AS07"], "name": ["Als WK990107"], "kind": ["other"], "members": [members]}
    )
    profiles = wijkprofiel.build(demo.with_custom_areas(frame))
    table = profiles.table().filter(pl.col("source") != "ggd")
    keys = ["indicator", "year", "mode"]
    columns = ["numerator", "denominator", "value", "lower_95", "upper_95", "status"]
    mine = table.filter(pl.col("area_code") == "AS07").select(keys + columns).sort(keys)
    wijk = table.filter(pl.col("area_code") == "WK990107").select(keys + columns).sort(keys)
    assert mine.height == wijk.height > 50
    assert mine.equals(wijk)
    row = profiles.table().filter(pl.col("area_code") == "AS07").row(0, named=True)
    assert (row["level"], row["custom_kind"], row["parent_code"]) == ("custom", "other", "GM9901")
    page = profiles.area("AS07").to_html()
    assert "Als WK990107" in page


def test_a_drawn_polygon_takes_the_buurten_mostly_inside(demo: wijkprofiel.Region) -> None:
    # A square around one demo practice's catchment polygon, given as a dict.
    geometry = {
        "type": "Polygon",
        "coordinates": [
            [[179000, 429000], [182000, 429000], [182000, 432500], [179000, 432500], [179000, 429000]]
        ],
    }
    region = demo.with_custom_areas(
        [{"id": "SQ", "name": "Square", "kind": "other", "geometry": geometry}]
    )
    rows = region.custom_areas().filter(pl.col("id") == "SQ")
    assert rows.filter(pl.col("member")).height > 0
    assert (rows["member"] == (rows["share"] >= 0.5)).all()
    # The same area as GeoJSON text.
    text = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"id": "SQ", "name": "Square", "kind": "other"},
                 "geometry": geometry}
            ],
        }
    )
    again = demo.with_custom_areas(text).custom_areas().filter(pl.col("id") == "SQ")
    assert again.equals(rows)


def test_bad_definitions_are_reported_by_row(demo: wijkprofiel.Region) -> None:
    frame = pl.DataFrame(
        {
            "id": ["A", "B"],
            "name": ["a", "b"],
            "kind": ["wijkteam", "other"],
            "members": [["BU99010000"], ["BU00000000"]],
        }
    )
    with pytest.raises(InvalidDataError) as caught:
        demo.with_custom_areas(frame)
    messages = [p.message for p in caught.value.report.problems]
    assert any("row 1" in m and "kind `wijkteam`" in m for m in messages), messages
    assert any("row 2" in m and "`BU00000000` is not in the areas table" in m for m in messages)
