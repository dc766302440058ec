#!/usr/bin/env bash
# National-scale figures: writes the generator's national data set (if absent), validates
# and builds it with the release build, and reports wall time and peak memory next to the
# floors: a bare polars read (for validate) and a polars scan and group-by (for build) of the
# same files in Python. Needs GNU time (`apt-get install time`). Each step starts after
# `sync`, so that no step pays for writing back the previous one's output.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-data/national}
cargo build --release -q -p wijkprofiel-cli
bin=target/release/wijkprofiel
if [ ! -f "$out/gp_counts.parquet" ]; then
    /usr/bin/time -f "generate national data: %e s, peak %M kB" "$bin" demo-data --scale national --out "$out"
fi
sync
/usr/bin/time -f "wijkprofiel validate: %e s, peak %M kB" "$bin" validate "$out" | tail -n 4
python=.venv/bin/python
[ -x "$python" ] || python=python3
sync
/usr/bin/time -f "floor (polars read of the same files): %e s, peak %M kB" "$python" benches/read_floor.py "$out"
profiles=$(mktemp -d)
sync
/usr/bin/time -f "wijkprofiel build: %e s, peak %M kB" "$bin" build "$out" --out "$profiles" | tail -n 3
sync
/usr/bin/time -f "floor (polars scan and group-by of the same files): %e s, peak %M kB" "$python" benches/build_floor.py "$out"
du -sh "$profiles" "$profiles/profile.parquet"
rm -rf "$profiles"
