#!/usr/bin/env bash
# The national health-monitor benchmark: a synthetic monitor of RESPONDENTS (540,000) over the
# generator's national data set, strata = the 25 GGD regions, INDICATORS (150) yes/no
# questions, by sex and three age groups (benches/monitor_data.py); `wijkprofiel monitor`
# (release) estimates every question for every buurt, wijk, gemeente and region, each group,
# with its tests against the rest of the parent and the region, and writes the monitor table
# and the tabellenboeken. Reports wall time and peak memory (GNU time), then times a part
# side by side with R `survey` (benches/monitor_compare.py, when Rscript is there).
#   benches/monitor.sh [NATIONAL] [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
national=${1:-data/national}
monitor=${2:-data/national-monitor}
cargo build --release -q -p wijkprofiel-cli
bin=target/release/wijkprofiel
python=.venv/bin/python
[ -x "$python" ] || python=python3
if [ ! -f "$national/areas.csv" ]; then
    "$bin" demo-data --scale national --out "$national" >/dev/null
fi
if [ ! -f "$monitor/respondents.parquet" ]; then
    /usr/bin/time -f "generate the monitor: %e s" "$python" benches/monitor_data.py "$national" "$monitor" \
        --respondents "${RESPONDENTS:-540000}" --indicators "${INDICATORS:-150}"
fi
out=$(mktemp -d)
/usr/bin/time -f "wijkprofiel monitor: %e s, peak %M kB" "$bin" monitor "$monitor" --out "$out/set"
du -sh "$out/set" | sed 's/^/written: /'
rm -rf "$out"
if command -v Rscript >/dev/null; then
    "$python" benches/monitor_compare.py "$monitor" "${QUESTIONS:-1}"
fi
