#!/usr/bin/env bash
# Search speed: b2tui's bucket search (the `F` overlay's scan) against a raw paging loop
# over the same names and `rclone lsf -R | grep`, on one local B2 holding BENCH_NAMES names
# (default 1,000,000) in one folder, seeded straight into its store.
#
#   scripts/bench-search.sh                 # release build, 1M names, best of 3
#   PROFILE=dev-opt scripts/bench-search.sh # the dev profile at opt-level 2 (its deps are
#                                           # already optimized: only b2tui is rebuilt)
#   BENCH_NAMES=200000 BENCH_RUNS=1 PROFILE=dev scripts/bench-search.sh
#
# The unoptimized dev profile is no measure: b2tui's own code (the local B2 and the
# client's JSON decoding) then runs unoptimized while rclone does not.
#
# rclone is taken from RCLONE, else PATH (the compat venv's is added when present).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
venv=/work/ci-run/target/compat-venv/bin
if [[ -d $venv ]]; then export PATH="$PATH:$venv"; fi
profile=(--release)
case ${PROFILE:-release} in
dev) profile=() ;;
dev-opt) profile=(); export CARGO_PROFILE_DEV_OPT_LEVEL=2 ;;
esac
exec cargo test "${profile[@]}" --test search_bench -- --ignored --nocapture --test-threads 1
