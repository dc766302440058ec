"""Side by side with R `survey` on a part of the national monitor benchmark that R finishes:
one question's design-based proportion for every wijk of one GGD region (each a domain of
the whole design: strata = GGD regions, finite population correction), with xlogit 95%
intervals, as `svyby(~y, ~wijk, design, svyciprop, method = "xlogit", vartype = "ci",
na.rm = TRUE)` makes it (the wijken outside the region NA) and as
`wijkprofiel.stats.survey_mean` makes it (the core's one-pass grouping; the answers outside
the region null). Prints both times and the largest difference of the estimates and
limits.

    python benches/monitor_compare.py MONITOR [QUESTIONS]

MONITOR is benches/monitor_data.py's folder; QUESTIONS (default 1) questions are timed."""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from wijkprofiel import stats

folder = Path(sys.argv[1])
questions = int(sys.argv[2]) if len(sys.argv) > 2 else 1
areas = pl.read_csv(folder / "areas.csv", comment_prefix="#").select(
    area_code="code", wijk="parent_code"
)
data = pl.read_parquet(folder / "respondents.parquet").join(areas, on="area_code", how="left")
names = [f"Q{q + 1:03d}" for q in range(questions)]
region = data["stratum"].min()
data = data.select(
    "wijk", "ewGGD", "stratum", "fpc",
    *[
        pl.when((pl.col("stratum") == region) & (pl.col(n) != 9)).then((pl.col(n) == 1).cast(pl.Int8)).alias(n)
        for n in names
    ],
)
ours = []
started = time.perf_counter()
for n in names:
    ours.append(
        stats.survey_mean(data, n, weight="ewGGD", by=["wijk"], strata="stratum", fpc="fpc",
                          interval="logit", confidence=0.95)
    )
python_s = time.perf_counter() - started
print(f"wijkprofiel (Python stats.survey_mean): {python_s:.2f} s for {questions} question(s), "
      f"the {ours[0].height} wijken of {region}, {data.height} respondents in the design")

with tempfile.TemporaryDirectory() as tmp:
    csv = Path(tmp) / "monitor.csv"
    data.write_csv(csv)
    result = Path(tmp) / "r.csv"
    run = subprocess.run(
        ["Rscript", str(Path(__file__).with_name("monitor_r.R")), str(csv), str(result), ",".join(names), region],
        capture_output=True, text=True, check=True,
    )
    print(run.stdout.strip())
    r_s = float(run.stdout.strip().split()[-2])
    theirs = pl.read_csv(result).rename({"wijk": "wijk"})
joined = ours[-1].join(theirs, on="wijk", how="inner")
differences = [
    (joined["value"] - joined["estimate"]).abs().max(),
    (joined["lower_95"] - joined["lower"]).abs().max(),
    (joined["upper_95"] - joined["upper"]).abs().max(),
]
print(f"compared {joined.height} wijken of the last question: largest differences "
      f"{differences[0]:.1e} (estimate), {differences[1]:.1e} (lower), {differences[2]:.1e} (upper)")
print(f"R survey / wijkprofiel: {r_s / python_s:.0f}x")
