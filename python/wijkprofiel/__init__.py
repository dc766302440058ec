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
>>> profiles = wijkprofiel.build()              # every profile of the demo region
>>> profiles.themes().columns[:3]
['area_code', 'level', 'rank']
"""

from wijkprofiel._core import Problem, ValidationReport, __version__

from wijkprofiel import expr, io, stats
from wijkprofiel.exceptions import (
    AreaNotFoundError,
    DataFolderError,
    InvalidDataError,
    SettingsError,
    StatsInputError,
    WijkprofielError,
)
from wijkprofiel.profiles import (
    AreaProfile,
    Profiles,
    Region,
    build,
    from_tables,
    load,
    load_table,
    validate,
    validate_tables,
    write_demo_data,
)

__all__ = [
    "AreaNotFoundError",
    "AreaProfile",
    "DataFolderError",
    "InvalidDataError",
    "Problem",
    "Profiles",
    "Region",
    "SettingsError",
    "StatsInputError",
    "ValidationReport",
    "WijkprofielError",
    "__version__",
    "build",
    "expr",
    "io",
    "from_tables",
    "load",
    "load_table",
    "stats",
    "validate",
    "validate_tables",
    "write_demo_data",
]
