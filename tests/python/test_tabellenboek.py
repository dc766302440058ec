"""The tabellenboek: an Excel workbook per gemeente and for the region, read back with
openpyxl. Its numbers are the profiles' own (the long table's, after disclosure control and
the monitor's minimum numbers), a withheld cell says why, the same profiles give the same
bytes, and the batch writes one per gemeente and region."""

import io
import tomllib
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import wijkprofiel
from wijkprofiel import AreaNotFoundError

ROOT = Path(__file__).resolve().parents[2]
GEMEENTE = "GM9901"


@pytest.fixture(scope="module")
def profiles() -> wijkprofiel.Profiles:
    return wijkprofiel.build(wijkprofiel.load())


def read(book: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(book))


def test_cells_are_the_profiles_figures(profiles):
    catalogue = tomllib.loads((ROOT / "data" / "demo" / "catalogue.toml").read_text())
    ggd = [ind for ind in catalogue["indicator"] if ind["source"] == "ggd"]
    table = profiles.table().filter(pl.col("source") == "ggd", pl.col("mode") == "residence")
    names = dict(table.select("area_code", "area_name").unique().iter_rows())
    # Its wijken in the areas' order (custom areas within it are nobody's children).
    inside = set(table.filter(pl.col("parent_code") == GEMEENTE, pl.col("level") == "wijk")["area_code"])
    wijken = [code for code in profiles.areas if code in inside]
    book = read(profiles.tabellenboek(GEMEENTE))
    years = sorted(table["year"].unique().to_list(), reverse=True)
    assert book.sheetnames == [*map(str, years), "Definities"]
    checked = withheld = changes = regions = 0
    for year in years:
        sheet = book[str(year)]
        assert sheet.cell(1, 1).value == f"Tabellenboek {names[GEMEENTE]}, {year}"
        # Row 4: the area names, seven columns each; the gemeente first, then its wijken.
        areas = [sheet.cell(4, 2 + 7 * k).value for k in range(1 + len(wijken))]
        assert areas == [names[code] for code in [GEMEENTE, *wijken]]
        rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
        for ind in ggd:
            row = rows[f"{ind['label_nl']} (%)"]
            for k, code in enumerate([GEMEENTE, *wijken]):
                figure = table.filter(
                    pl.col("area_code") == code, pl.col("indicator") == ind["id"], pl.col("year") == year
                ).row(0, named=True)
                value = sheet.cell(row, 2 + 7 * k).value
                if figure["status"] == "published":
                    assert value == pytest.approx(figure["value"], rel=1e-15)
                    assert sheet.cell(row, 3 + 7 * k).value == pytest.approx(figure["lower_95"], rel=1e-15)
                    assert sheet.cell(row, 4 + 7 * k).value == pytest.approx(figure["upper_95"], rel=1e-15)
                    if figure["method"] == "survey-design":
                        assert sheet.cell(row, 5 + 7 * k).value == figure["denominator"]
                        # Against the parent, the region and the previous round, each where
                        # the profile judges it.
                        judged = ("parent_judgement", "region_judgement", "previous_judgement")
                        for j, column in enumerate(judged):
                            mark = sheet.cell(row, 6 + j + 7 * k).value
                            compared = figure[column] not in (None, "not-available", "not-compared")
                            assert (mark is not None) == compared, (mark, column, figure[column])
                            changes += column == "previous_judgement" and mark is not None
                            regions += column == "region_judgement" and mark is not None
                    checked += 1
                else:
                    assert isinstance(value, str) and value, (code, ind["id"], year)
                    withheld += 1
    assert checked > 100 and changes > 10 and regions > 10, (checked, changes, regions)
    definitions = book["Definities"]
    listed = [definitions.cell(r, 1).value for r in range(2, definitions.max_row + 1)]
    assert listed == [ind["id"] for ind in ggd]


def test_a_withheld_figure_says_why(tmp_path):
    # A monitor agreement of 400 respondents per question withholds the wijken's estimates.
    folder = tmp_path / "region"
    folder.mkdir()
    for path in (ROOT / "data" / "demo").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    catalogue = folder / "catalogue.toml"
    catalogue.write_text(catalogue.read_text().replace("min_respondents = 50", "min_respondents = 400"))
    profiles = wijkprofiel.build(wijkprofiel.load(folder), years=[2024])
    table = profiles.table().filter(pl.col("method") == "survey-design", pl.col("level") == "wijk")
    withheld = table.filter(pl.col("status") == "withheld", pl.col("parent_code") == GEMEENTE)
    assert withheld.height > 0
    sheet = read(profiles.tabellenboek(GEMEENTE))["2024"]
    names = [sheet.cell(4, c).value for c in range(1, sheet.max_column + 1)]
    rows = {sheet.cell(r, 1).value: r for r in range(6, sheet.max_row + 1)}
    labels = {"ggd_ervaren_gezondheid": "Ervaren gezondheid (zeer) goed (%)", "ggd_roker": "Rookt (%)"}
    for figure in withheld.iter_rows(named=True):
        cell = sheet.cell(rows[labels[figure["indicator"]]], names.index(figure["area_name"]) + 1)
        assert cell.value.startswith(f"{int(figure['denominator'])} respondenten"), cell.value


def test_the_same_profiles_give_the_same_bytes_and_other_levels_none(profiles):
    again = wijkprofiel.build(wijkprofiel.load())
    assert profiles.tabellenboek(GEMEENTE) == again.tabellenboek(GEMEENTE)
    region = read(profiles.tabellenboek("GG9901"))
    assert region["2024"].cell(4, 9).value == "Lindestad"  # the region's gemeenten as columns
    assert profiles.tabellenboek("WK990100") is None
    with pytest.raises(AreaNotFoundError):
        profiles.tabellenboek("GM0000")


def test_the_batch_writes_one_per_gemeente_and_the_region(profiles, tmp_path):
    profiles.write(tmp_path / "out")
    folder = tmp_path / "out" / "tabellenboek"
    codes = sorted(p.stem for p in folder.iterdir())
    gemeenten = sorted(a for a in profiles.areas if a.startswith(("GM", "GG")))
    assert codes == gemeenten
    assert (folder / f"{GEMEENTE}.xlsx").read_bytes() == profiles.tabellenboek(GEMEENTE)
