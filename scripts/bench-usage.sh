#!/usr/bin/env bash
# Usage-scan benchmark on loopback: starts `b2tui serve` (release) with
# `--seed-bulk bench-usage:big/:COUNT` (1,000,000 by default), then times
#   - a raw paging loop over every version (b2_list_file_versions, 10,000 a page: the limit),
#   - b2tui's usage scan through the app and the real worker: first totals on screen,
#     complete, and the RSS of that process sampled at every page (tests/usage_bench.rs),
#   - `rclone size` and `rclone lsjson -R` (rclone ncdu is interactive: lsjson -R is the
#     listing it makes before it shows anything), with their peak RSS.
#
# Env: BENCH_COUNT (1000000)  BENCH_TREE=1: the names as a tree of 1,000 folders
#      (`tree/d000/` ...) of BENCH_COUNT/1000 names each instead of one folder
#      BENCH_NO_BUILD=1 to use what is built
#      RCLONE (default: /work/ci-run/target/compat-venv/bin/rclone if there, else rclone on PATH)
set -uo pipefail
cd "$(dirname "$0")/.."

COUNT=${BENCH_COUNT:-1000000}
BUCKET=bench-usage
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
BIN=$CARGO_TARGET_DIR/release/b2tui
VENV_RCLONE=/work/ci-run/target/compat-venv/bin/rclone
if [ -z "${RCLONE:-}" ]; then
  if [ -x "$VENV_RCLONE" ]; then RCLONE=$VENV_RCLONE; else RCLONE=$(command -v rclone || true); fi
fi

if [ -z "${BENCH_NO_BUILD:-}" ]; then
  cargo build --release --quiet || exit 1
  cargo test --release --quiet --test usage_bench --no-run 2>/dev/null || exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/b2tui-bench-usage.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Peak RSS in MB from a `/usr/bin/time -v` report.
peak() { awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

SEEDS=(--seed-bulk "$BUCKET:big/:$COUNT")
if [ -n "${BENCH_TREE:-}" ]; then
  SEEDS=()
  for i in $(seq -w 0 999); do SEEDS+=(--seed-bulk "$BUCKET:tree/d$i/:$((COUNT / 1000))"); done
fi

KEY_ID=0012testkeyid0000000001
KEY=K001testsecretkey000000000000000
T0=$(now)
"$BIN" serve --listen 127.0.0.1:0 --key-id "$KEY_ID" --key "$KEY" \
  "${SEEDS[@]}" >"$WORK/server.log" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1200); do
  grep -q "listening on" "$WORK/server.log" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$WORK/server.log")
[ -n "$URL" ] || { echo "server did not start"; cat "$WORK/server.err"; exit 1; }
echo "server $URL: $(tail -n 1 "$WORK/server.err") (ready after $(elapsed "$T0" "$(now)") s)"

echo "== b2tui usage (app + worker; raw paging loop first)"
B2TUI_BENCH_URL=$URL B2TUI_BENCH_BUCKET=$BUCKET B2TUI_BENCH_KEY_ID=$KEY_ID B2TUI_BENCH_KEY=$KEY \
  cargo test --release --quiet --test usage_bench -- --ignored --nocapture 2>&1 |
  grep -E "^(raw listing|usage):|panicked|FAILED"

if [ -x "$RCLONE" ]; then
  RC=("$RCLONE" --config /dev/null --b2-endpoint "$URL" --b2-account "$KEY_ID" --b2-key "$KEY")
  echo "== rclone ($("$RCLONE" version | head -1))"
  T=$(now)
  /usr/bin/time -v "${RC[@]}" size ":b2:$BUCKET" >"$WORK/size.out" 2>"$WORK/size.time"
  echo "rclone size: $(elapsed "$T" "$(now)") s, peak RSS $(peak "$WORK/size.time") MB: $(tr '\n' ' ' <"$WORK/size.out")"
  T=$(now)
  /usr/bin/time -v "${RC[@]}" lsjson -R ":b2:$BUCKET" >"$WORK/ls.out" 2>"$WORK/ls.time"
  echo "rclone lsjson -R: $(elapsed "$T" "$(now)") s, peak RSS $(peak "$WORK/ls.time") MB, $(grep -c '"Path"' "$WORK/ls.out") entries"
else
  echo "rclone not found ($RCLONE): skipped"
fi
echo "server peak RSS: $(awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$SERVER_PID/status")"
