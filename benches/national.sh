#!/usr/bin/env bash
# National-scale figures: writes the generator's national data set (if absent), validates
# and builds it with the release build, and reports wall time and peak memory next to the
# floors: a bare polars read (for validate) and a polars scan and group-by (for build) of the
# same files in Python. Needs GNU time (`apt-get install time`).
#
# `build` and its floor run RUNS times (default 3), alternating, each build into a new
# folder after `sync` (and a dropped page cache, as root); the medians are compared. One more build writes to a RAM disk
# (/dev/shm, when there is one), to show what the file system adds to the writing phase,
# which the floor does not have.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-data/national}
runs=${RUNS:-3}
cargo build --release -q -p wijkprofiel-cli
bin=target/release/wijkprofiel
python=.venv/bin/python
[ -x "$python" ] || python=python3
if [ ! -f "$out/gp_counts.parquet" ]; then
    /usr/bin/time -f "generate national data: %e s, peak %M kB" "$bin" demo-data --scale national --out "$out"
fi
sync
/usr/bin/time -f "wijkprofiel validate: %e s, peak %M kB" "$bin" validate "$out" | tail -n 4
sync
/usr/bin/time -f "floor (polars read of the same files): %e s, peak %M kB" "$python" benches/read_floor.py "$out"

times=$(mktemp -d)
# timed NAME COMMAND...: runs COMMAND after `sync` and, when allowed (root), after dropping
# the page cache, so that every step starts from the same memory state however many earlier
# outputs are cached; appends "seconds kB" to $times/NAME.
timed() {
    local name=$1
    shift
    sync
    if [ -w /proc/sys/vm/drop_caches ]; then echo 3 >/proc/sys/vm/drop_caches; fi
    /usr/bin/time -o "$times/last" -f "%e %M" "$@"
    cat "$times/last" >>"$times/$name"
    read -r seconds kb <"$times/last"
    echo "$name: $seconds s, peak $kb kB"
}
# Every run writes into a new folder, all removed at the end: on ext4 without a journal,
# creating files within six minutes of deleting many is several times slower (the kernel
# skips inodes freed in the last 60 s, or 360 s while their table block is unwritten, and
# scans past them for every new file). Wait six minutes before running this script again.
folders=()
for run in $(seq "$runs"); do
    folders+=("$(mktemp -d)")
    timed build "$bin" build "$out" --out "${folders[-1]}" | grep -E "^(done|build)"
    timed floor "$python" benches/build_floor.py "$out" | grep -v "^grouped"
done
du -sh "${folders[0]}" | sed 's/^/written by a build: /'
rm -rf "${folders[@]}"
# median NAME: the median run's "seconds kB".
median() { sort -n "$times/$1" | sed -n "$(((runs + 1) / 2))p"; }
read -r build_s build_kb <<<"$(median build)"
read -r floor_s floor_kb <<<"$(median floor)"
echo "median of $runs runs: build $build_s s (peak $build_kb kB), floor $floor_s s (peak $floor_kb kB)"
"$python" -c "print(f'build / floor: {$build_s / $floor_s:.2f} in time, {$build_kb / $floor_kb:.2f} in memory')"

if [ -d /dev/shm ]; then
    ram=$(mktemp -d -p /dev/shm)
    timed ram "$bin" build "$out" --out "$ram" | grep -E "^(done|ram)" | sed 's/^ram/build to the RAM disk/'
    rm -rf "$ram"
fi
rm -rf "$times"
