"""wijkprofiel: neighbourhood health profiles from GP-practice and GGD data.

The rules live in the Rust core; this package hands polars DataFrames in and out.

Examples
--------
>>> import wijkprofiel
>>> report = wijkprofiel.validate()          # the embedded demo region
>>> report.is_valid
True
>>> population = wijkprofiel.load_table("population")
>>> population.columns
['area_code', 'year', 'sex', 'age_band', 'residents']
"""

from wijkprofiel._core import (
    Problem,
    ValidationReport,
    __version__,
    load_table,
    validate,
    validate_tables,
    write_demo_data,
)

from wijkprofiel import stats
from wijkprofiel.exceptions import (
    DataFolderError,
    InvalidDataError,
    StatsInputError,
    WijkprofielError,
)

__all__ = [
    "DataFolderError",
    "InvalidDataError",
    "Problem",
    "StatsInputError",
    "ValidationReport",
    "WijkprofielError",
    "__version__",
    "load_table",
    "stats",
    "validate",
    "validate_tables",
    "write_demo_data",
]
