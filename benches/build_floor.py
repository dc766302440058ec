"""The floor for building profiles: polars scans every table of a data folder and groups the
counts the way a profile needs them (GP counts per buurt × year × indicator × sex × band,
summed over practices; residents per buurt × year × sex × band; GGD estimates per area ×
year × indicator), and nothing else."""

import sys
from pathlib import Path

import polars as pl


def scan(folder: Path, name: str) -> pl.LazyFrame:
    parquet = folder / f"{name}.parquet"
    if parquet.exists():
        return pl.scan_parquet(parquet)
    return pl.scan_csv(folder / f"{name}.csv", comment_prefix="#")


folder = Path(sys.argv[1])
gp = (
    scan(folder, "gp_counts")
    .group_by("area_code", "year", "indicator", "sex", "age_band")
    .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
)
population = (
    scan(folder, "population")
    .group_by("area_code", "year", "sex", "age_band")
    .agg(pl.col("residents").sum())
)
ggd = (
    scan(folder, "ggd_estimates")
    .group_by("area_code", "year", "indicator")
    .agg(pl.col("value").mean())
)
frames = pl.collect_all([gp, population, ggd])
print("grouped rows:", ", ".join(f"{f.height:,}" for f in frames))
