"""A synthetic national health monitor for the benchmark (benches/monitor.sh): respondents
drawn from the national data set's buurten in proportion to their adults, stratified by GGD
region (the region's adults as its population), weighted within each region to its adults by
age group, with a yes/no answer (9: unknown) to each of many questions whose prevalence
varies by buurt, age and sex; and a catalogue declaring each question a GGD indicator.

    python benches/monitor_data.py NATIONAL OUT [--respondents 540000] [--indicators 150]

NATIONAL is `wijkprofiel demo-data --scale national`'s folder; OUT gets its areas and
population, `respondents.parquet`, `catalogue.toml` and `dataset.toml`. Deterministic."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import polars as pl

AGE_GROUPS = ["18-39", "40-64", "65+"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("national", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--respondents", type=int, default=540_000)
    parser.add_argument("--indicators", type=int, default=150)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    population_file = next(args.national / n for n in ("population.parquet", "population.csv")
                           if (args.national / n).exists())
    for path in (args.national / "areas.csv", population_file):
        shutil.copyfile(path, args.out / path.name)

    areas = pl.read_csv(args.national / "areas.csv", comment_prefix="#")
    parent = dict(zip(areas["code"], areas["parent_code"], strict=True))
    level = dict(zip(areas["code"], areas["level"], strict=True))

    def region_of(code: str) -> str:
        while level[code] != "region":
            code = parent[code]
        return code

    # Adults per buurt, sex and age band of the latest year with residents.
    population = (
        pl.read_parquet(population_file)
        if population_file.suffix == ".parquet"
        else pl.read_csv(population_file, comment_prefix="#")
    )
    year = population.filter(pl.col("year") <= args.year)["year"].max()
    bands = population.filter(pl.col("year") == year, pl.col("sex") != "all").with_columns(
        lower=pl.col("age_band").str.extract(r"^(\d+)").cast(pl.Int32),
        upper=pl.col("age_band").str.extract(r"-(\d+)$").cast(pl.Int32).fill_null(99),
    ).filter(pl.col("upper") >= 18, pl.col("area_code").str.starts_with("BU"))
    bands = bands.with_columns(
        lower=pl.max_horizontal("lower", pl.lit(18)),
        adults=pl.when(pl.col("lower") < 18).then(pl.col("residents") * 0.4).otherwise(pl.col("residents")),
    )
    weights = bands["adults"].to_numpy().astype(float)
    cell = rng.choice(len(weights), size=args.respondents, p=weights / weights.sum())
    lower, upper = bands["lower"].to_numpy()[cell], bands["upper"].to_numpy()[cell]
    age = lower + (rng.random(args.respondents) * (upper - lower + 1)).astype(np.int32)
    buurt = bands["area_code"].to_numpy()[cell]
    sex = bands["sex"].to_numpy()[cell]
    regions = {b: region_of(b) for b in np.unique(buurt)}
    stratum = np.array([regions[b] for b in buurt])
    group = np.digitize(age, [40, 65])

    # Weights: each region's adults by age group over its respondents there.
    adults = bands.with_columns(
        stratum=pl.col("area_code").replace_strict(regions, default=None),
        group=pl.when(pl.col("lower") >= 65).then(2).when(pl.col("lower") >= 40).then(1).otherwise(0),
    ).drop_nulls("stratum")
    frame = pl.DataFrame({"area_code": buurt, "stratum": stratum, "group": group, "sex": sex, "age": age})
    totals = adults.group_by("stratum", "group").agg(pl.col("adults").sum())
    sampled = frame.group_by("stratum", "group").len()
    frame = (
        frame.join(totals, on=["stratum", "group"], how="left")
        .join(sampled, on=["stratum", "group"], how="left")
        .with_columns(weight=(pl.col("adults") / pl.col("len")).round(4))
        .join(adults.group_by("stratum").agg(fpc=pl.col("adults").sum()), on="stratum", how="left")
    )

    # Answers: a prevalence per question, varied by buurt (logit scale), age group and sex.
    codes, buurt_index = np.unique(frame["area_code"].to_numpy(), return_inverse=True)
    base = rng.uniform(-2.5, 0.5, args.indicators)
    answers = {}
    for q in range(args.indicators):
        logit = (
            base[q]
            + rng.normal(0, 0.35, len(codes))[buurt_index]
            + rng.normal(0, 0.3, 3)[frame["group"].to_numpy()]
            + np.where(frame["sex"].to_numpy() == "female", rng.normal(0, 0.2), 0.0)
        )
        yes = rng.random(frame.height) < 1 / (1 + np.exp(-logit))
        answer = np.where(yes, 1, 2).astype(np.int32)
        answer[rng.random(frame.height) < 0.02] = 9
        answers[f"Q{q + 1:03d}"] = answer
    respondents = pl.concat(
        [
            frame.select(
                "area_code",
                pl.lit(args.year, dtype=pl.Int32).alias("year"),
                pl.col("weight").alias("ewGGD"),
                "stratum",
                pl.col("fpc").cast(pl.Float64),
                "sex",
                pl.col("age").cast(pl.Int32),
            ),
            pl.DataFrame(answers),
        ],
        how="horizontal",
    )
    respondents.write_parquet(args.out / "respondents.parquet")

    indicators = "".join(
        f"""
[[indicator]]
id = "ggd_q{q + 1:03d}"
label_nl = "Vraag {q + 1}"
label_en = "Question {q + 1}"
theme = "monitor"
source = "ggd"
kind = "proportion"
multiplier = 100
polarity = "lower-better"
age = "18+"
definition = "Synthetic question {q + 1} of the benchmark monitor"

[indicator.survey]
question = "Q{q + 1:03d}"
counts = [1]
codes = [1, 2]
missing = [9]
"""
        for q in range(args.indicators)
    )
    (args.out / "catalogue.toml").write_text(
        '[[theme]]\nid = "monitor"\nlabel_nl = "Monitor"\nlabel_en = "Monitor"\n'
        + indicators
        + '\n[survey]\nweight = "ewGGD"\nstratum = "stratum"\nfpc = "fpc"\nagreement = "30/5"\n'
        + f"breakdowns = [\"sex\", \"age\"]\nage_groups = {AGE_GROUPS!r}\n".replace("'", '"')
    )
    (args.out / "dataset.toml").write_text(
        'name = "Synthetic national monitor (benchmark)"\nsynthetic = true\n'
        f'description = "{frame.height} respondents, {args.indicators} questions, seed {args.seed}"\n'
    )
    print(f"{frame.height} respondents in {len(codes)} buurten and {len(set(stratum))} regions, "
          f"{args.indicators} questions: {args.out}")


if __name__ == "__main__":
    main()
