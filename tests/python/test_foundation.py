"""The Python package on the demo region: validation, DataFrame exchange both ways, errors."""

from __future__ import annotations

import decimal
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

import wijkprofiel
from wijkprofiel import DataFolderError, InvalidDataError, WijkprofielError

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
TABLES = ["areas", "population", "practices", "ggd_estimates", "benchmarks", "benchmark_rates", "providers", "projects"]


def read_demo_tables() -> dict[str, pl.DataFrame]:
    """The demo tables as an analyst reads them with polars (all text, as in the files)."""
    frames = {
        name: pl.read_csv(DEMO / f"{name}.csv", comment_prefix="#", infer_schema=False) for name in TABLES
    }
    frames["gp_counts"] = pl.read_parquet(DEMO / "gp_counts.parquet")
    return frames


def documents() -> dict[str, str]:
    return {
        "catalogue": (DEMO / "catalogue.toml").read_text(encoding="utf-8"),
        "geometry": (DEMO / "geometry.geojson").read_text(encoding="utf-8"),
        "dataset": (DEMO / "dataset.toml").read_text(encoding="utf-8"),
    }


def test_embedded_demo_is_valid_and_says_it_is_synthetic():
    report = wijkprofiel.validate()
    assert report.is_valid
    assert report.problems == []
    assert "SYNTHETIC DEMO DATA" in report.summary
    assert "300 buurt, 60 wijk, 8 gemeente" in report.summary
    assert repr(report) == "ValidationReport(is_valid=True, problems=0)"


def test_a_folder_validates_like_the_embedded_demo():
    assert str(wijkprofiel.validate(DEMO)).replace(str(DEMO), "X") == str(wijkprofiel.validate()).replace(
        "embedded demo (data/demo)", "X"
    )


def test_rust_to_python_gives_typed_polars_frames():
    population = wijkprofiel.load_table("population")
    assert isinstance(population, pl.DataFrame)
    assert population.schema == pl.Schema(
        {"area_code": pl.String, "year": pl.Int32, "sex": pl.String, "age_band": pl.String, "residents": pl.Int64}
    )
    assert population.height == 300 * 5 * 2 * 19
    # The same numbers as the file, read independently by polars.
    from_file = pl.read_csv(DEMO / "population.csv", comment_prefix="#", schema_overrides={"year": pl.Int32})
    assert population.equals(from_file)
    gp = wijkprofiel.load_table("gp_counts", DEMO)
    assert gp.equals(pl.read_parquet(DEMO / "gp_counts.parquet"))


def test_python_to_rust_validates_in_memory_frames():
    report = wijkprofiel.validate_tables(read_demo_tables(), **documents())
    assert report.is_valid, str(report)
    assert "in-memory tables" in report.summary


def test_python_to_rust_names_row_and_column_of_a_broken_cell():
    tables = read_demo_tables()
    tables["population"] = tables["population"].with_columns(
        pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("-7")).otherwise(pl.col("residents")).alias("residents")
    )
    report = wijkprofiel.validate_tables(tables, **documents())
    assert not report.is_valid
    [problem] = report.problems
    assert (problem.kind, problem.file, problem.row, problem.line, problem.column) == (
        "table",
        "population",
        5,
        None,
        "residents",
    )
    assert str(problem) == "population, row 5, column `residents`: `-7` is not a whole number of at least 0"


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("residents", [decimal.Decimal("1.5")], "column `residents`: column has type decimal[38,1], expected whole numbers"),
        ("residents", [[1, 2]], "column `residents`: column has type list[i64], expected whole numbers"),
        ("area_code", [b"BU"], "column `area_code`: column has type binary, expected text"),
    ],
)
def test_unsupported_dtypes_get_a_clear_problem_not_a_crash(column, values, message):
    tables = read_demo_tables()
    population = tables["population"].head(1).with_columns(pl.Series(column, values))
    tables["population"] = population
    report = wijkprofiel.validate_tables(tables, **documents())
    assert [str(p) for p in report.problems] == [f"population, {message}"]


def demo_folder(tmp_path: Path) -> Path:
    for path in DEMO.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


# Every column type a Parquet file can bring, as `numerator` of the GP counts: read when it
# holds whole numbers, else a column-type problem naming the file and column (never a panic:
# the CLI's polars decodes no decimal, struct, fixed-size list or temporal column).
NUMERATOR = pl.col("numerator")


@pytest.mark.parametrize(
    ("column", "found"),
    [
        (NUMERATOR.cast(pl.Decimal(18, 2)), "decimal[18,2]"),
        (pl.struct(NUMERATOR), "struct[1]"),
        (pl.concat_list(NUMERATOR).list.to_array(1), "array[i64, 1]"),
        (pl.concat_list(NUMERATOR), "list[i64]"),
        (pl.lit(None, pl.Null), "null"),
        (NUMERATOR.cast(pl.String).cast(pl.Binary), "binary"),
        (pl.lit("2024-01-01").str.to_date(), "date"),
        (pl.lit("2024-01-01").str.to_datetime(), "datetime[μs]"),
        (NUMERATOR.cast(pl.Duration("ms")), "duration[ms]"),
        (NUMERATOR.cast(pl.String).cast(pl.Categorical), "cat"),
        (NUMERATOR.cast(pl.Int128), "i128"),
    ],
)
def test_parquet_column_types_are_read_or_named_never_a_crash(tmp_path, column, found):
    folder = demo_folder(tmp_path)
    counts = pl.read_parquet(DEMO / "gp_counts.parquet").with_columns(column.alias("numerator"))
    counts.write_parquet(folder / "gp_counts.parquet")
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert problems == [f"gp_counts.parquet, column `numerator`: column has type {found}, expected whole numbers"]


@pytest.mark.parametrize("dtype", [pl.Float32, pl.UInt64, pl.Int8, pl.UInt16])
def test_parquet_numbers_of_every_width_are_read(tmp_path, dtype):
    folder = demo_folder(tmp_path)
    counts = pl.read_parquet(DEMO / "gp_counts.parquet")
    small = counts.filter(NUMERATOR < 100, pl.col("denominator") < 100) if dtype == pl.Int8 else counts
    small.with_columns(NUMERATOR.cast(dtype)).write_parquet(folder / "gp_counts.parquet")
    assert wijkprofiel.validate(folder).is_valid


def test_a_count_beyond_the_limit_is_called_too_large(tmp_path):
    folder = demo_folder(tmp_path)
    counts = pl.read_parquet(DEMO / "gp_counts.parquet").with_columns(NUMERATOR.cast(pl.UInt64))
    big = counts.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(2**63 + 5).otherwise(NUMERATOR).alias("numerator"))
    big.with_columns(NUMERATOR.cast(pl.UInt64)).write_parquet(folder / "gp_counts.parquet")
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert problems == [
        f"gp_counts.parquet, row 1, column `numerator`: `{2**63 + 5}` is not a whole number of at least 0, "
        "at most 4294967295"
    ], problems


def test_a_repeated_column_name_is_an_error_not_the_first_column(tmp_path):
    folder = demo_folder(tmp_path)
    path = folder / "population.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    lines[header] += ",residents"
    lines[header + 1 :] = [line + ",1" for line in lines[header + 1 :]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert problems == ["population.csv, column `residents`: two columns have this name; rename or remove one"]


def test_unknown_table_name_is_a_key_error():
    with pytest.raises(KeyError, match="unknown table `people`"):
        wijkprofiel.validate_tables({"people": pl.DataFrame()}, catalogue="")
    with pytest.raises(KeyError, match="not a table of this region held as a DataFrame"):
        wijkprofiel.load_table("areas")
    with pytest.raises(KeyError, match="unknown table `people`"):
        wijkprofiel.load_table("people")


def test_invalid_folder_raises_invalid_data_error_with_the_report(tmp_path):
    for path in DEMO.iterdir():
        shutil.copy(path, tmp_path / path.name)
    areas = tmp_path / "areas.csv"
    areas.write_text(areas.read_text(encoding="utf-8").replace("BU99010000,", "BU9901000,", 1), encoding="utf-8")
    with pytest.raises(InvalidDataError) as caught:
        wijkprofiel.load_table("population", tmp_path)
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, WijkprofielError)
    assert "`BU9901000` is not a valid buurt code (BU + 8 digits)" in str(error)
    problems = error.report.problems
    assert problems[0].file == "areas.csv"
    assert problems[0].column == "code"


def test_missing_folder_raises_data_folder_error():
    with pytest.raises(DataFolderError) as caught:
        wijkprofiel.validate(ROOT / "no-such-folder")
    assert isinstance(caught.value, OSError)
    assert "no-such-folder" in str(caught.value)


def test_demo_writer_matches_the_committed_demo(tmp_path):
    written = wijkprofiel.write_demo_data(tmp_path, seed=42)
    assert len(written) == 15
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_categorical_and_numeric_columns_are_accepted():
    tables = read_demo_tables()
    tables["population"] = tables["population"].with_columns(
        pl.col("area_code").cast(pl.Categorical),
        pl.col("sex").cast(pl.Enum(["male", "female"])),
        pl.col("year").cast(pl.Int16),
        pl.col("residents").cast(pl.UInt16),
    )
    tables["gp_counts"] = tables["gp_counts"].with_columns(
        pl.col("numerator").cast(pl.UInt32),
        pl.col("denominator").cast(pl.Float64),
    )
    report = wijkprofiel.validate_tables(tables, **documents())
    assert report.is_valid, str(report)


def test_tables_of_other_kinds_are_accepted_or_named():
    tables = read_demo_tables()
    lazy = {name: frame.lazy() for name, frame in tables.items()}
    assert wijkprofiel.validate_tables(lazy, **documents()).is_valid
    pandas = {name: frame.to_pandas() for name, frame in tables.items()}
    assert wijkprofiel.validate_tables(pandas, **documents()).is_valid
    for call in (wijkprofiel.validate_tables, wijkprofiel.from_tables):
        with pytest.raises(TypeError, match=r"tables\['areas'\] must be a polars DataFrame .* not list"):
            call({**tables, "areas": [["BU1"]]}, **documents())
        with pytest.raises(TypeError, match="tables must be a mapping of table names to DataFrames, not list"):
            call([tables["areas"]], **documents())


def test_a_custom_area_geometry_that_is_not_geojson_names_its_row():
    region = wijkprofiel.load()
    rows = [
        {"id": "A", "name": "a", "kind": "other", "members": ["BU99010000"]},
        {"id": "B", "name": "b", "kind": "other", "geometry": "{not json"},
    ]
    with pytest.raises(ValueError, match=r"custom areas, row 2 \(id 'B'\), column `geometry`: not GeoJSON"):
        region.with_custom_areas(rows)


def _edit_line(folder: Path, number: int, edit) -> None:
    path = folder / "areas.csv"
    lines = path.read_bytes().split(b"\n")
    lines[number] = edit(lines[number])
    path.write_bytes(b"\n".join(lines))


def _edit_text(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_custom(folder: Path, edit) -> None:
    path = folder / "custom_areas.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))
    edit(features["features"])
    path.write_text(json.dumps(features), encoding="utf-8")


# Line 6 of areas.csv is `GM9902,Waalhaven,gemeente,GG9901,2024`.
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda f: _edit_line(f, 5, lambda l: l.replace(b",", b',"', 1)),
            "areas.csv, line 6: cannot read the file: a quote opened here is never closed",
        ),
        (
            lambda f: _edit_line(f, 5, lambda l: l + b",extra"),
            "areas.csv, line 6: cannot read the file: 6 fields where the header has 5",
        ),
        (
            lambda f: _edit_line(f, 5, lambda l: l.replace(b",", b',x"y', 1)),
            "areas.csv, line 6: cannot read the file: a quote inside an unquoted field: "
            '`GM9902,x"yWaalhaven,gemeente`; quote the whole field and double the quote ("")',
        ),
        (
            lambda f: _edit_line(f, 5, lambda l: l.replace(b"a", b"\xe9", 1)),
            "areas.csv, line 6: cannot read the file: not UTF-8 text: byte 0xE9 "
            "(it looks like Latin-1 or Windows-1252: save the file as UTF-8)",
        ),
        (
            lambda f: _edit_line(f, 5, lambda l: l.replace(b"a", b"\x00", 1)),
            "areas.csv, row 4 (line 6), column `name`: `W\\0alhaven` is not text without control "
            "characters (such as NUL, a tab or a line break) or bidirectional formatting characters "
            "(such as a right-to-left override)",
        ),
        (
            # A right-to-left override shows what follows reversed on a page.
            lambda f: _edit_custom(f, lambda fs: fs[0]["properties"].update(name="De \u202eBrug")),
            "custom_areas.geojson, row 1, column `name`: custom area `SD-NOORD`: the name holds \\u{202e}: "
            "write text without control characters (such as NUL, a tab or a line break) or "
            "bidirectional formatting characters (such as a right-to-left override)",
        ),
        (
            lambda f: _edit_text(f, "catalogue.toml", 'label_nl = "Diabetes', 'label_nl = "\\u0000Diabetes'),
            "catalogue.toml: indicator `gp_diabetes`: label_nl holds \\u{0}: "
            "write text without control characters (such as NUL, a tab or a line break) or "
            "bidirectional formatting characters (such as a right-to-left override)",
        ),
        (
            lambda f: _edit_text(f, "dataset.toml", 'name = "', 'name = "\\u202e'),
            "dataset.toml, column `name`: name holds \\u{202e}: "
            "write text without control characters (such as NUL, a tab or a line break) or "
            "bidirectional formatting characters (such as a right-to-left override)",
        ),
        (
            lambda f: _edit_text(f, "catalogue.toml", 'label_en = "', 'label_en = "\\u2066'),
            "catalogue.toml, column `theme.label_en`: theme `health`: label_en holds \\u{2066}: "
            "write text without control characters (such as NUL, a tab or a line break) or "
            "bidirectional formatting characters (such as a right-to-left override)",
        ),
        (
            lambda f: _edit_custom(f, lambda fs: fs[0]["properties"].update(id="CON")),
            "custom_areas.geojson, row 1, column `id`: custom area `CON`: the id is a name Windows "
            "reserves for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9): its files could not be written there",
        ),
        (
            lambda f: _edit_custom(f, lambda fs: fs[1]["properties"].update(id=fs[0]["properties"]["id"].lower())),
            "custom_areas.geojson, row 2, column `id`: custom area `sd-noord` is defined twice "
            "(ids that differ only in case are one: they name files)",
        ),
    ],
)
def test_bad_input_is_named_by_line_and_field(tmp_path, edit, message):
    folder = demo_folder(tmp_path)
    edit(folder)
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert problems == [message]


def test_a_folder_by_a_tables_name_is_named_not_missing(tmp_path):
    folder = demo_folder(tmp_path)
    (folder / "population.csv").unlink()
    (folder / "population.csv").mkdir()
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert problems[0] == "population.csv: cannot read the file: it is a folder or a broken link, not a file"


def test_a_corrupt_parquet_file_is_named_not_a_crash(tmp_path):
    # A case the fuzzer found: polars' page decoder panics on it (scripts/fuzz).
    folder = demo_folder(tmp_path)
    shutil.copy(ROOT / "tests" / "fuzz-cases" / "parquet" / "crash-3-310.bin", folder / "gp_counts.parquet")
    problems = [str(p) for p in wijkprofiel.validate(folder).problems]
    assert len(problems) == 1 and problems[0].startswith(
        "gp_counts.parquet: cannot read the file: the Parquet file is corrupt"
    ), problems
