#!/usr/bin/env bash
# End-to-end for signals: the TUI downloads from a local B2 that keeps cutting the body, so
# the download stays in progress with its temporary file; SIGTERM, then SIGHUP, must restore
# the terminal, remove the temporary file and exit 143 / 129.
# Usage: scripts/smoke-signals.sh [path/to/b2tui]
set -euo pipefail
BIN=$(realpath "${1:-target/release/b2tui}")
SUITE=signals
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
SRC=$(mktemp -d)
DST=$(mktemp -d)
CLEANUP+=("$SRC" "$DST")

start_serve --seed-bulk sigterm-test:seed/:2
head -c 400000 /dev/urandom >"$SRC/big.bin"
export B2_APPLICATION_KEY_ID=$MASTER_ID B2_APPLICATION_KEY=$MASTER_KEY
step "cp uploads the file to download" "$BIN" --endpoint "$URL" cp -q "$SRC/big.bin" b2://sigterm-test/
# Every download body is cut after 1,000 bytes: the download resumes, again and again.
step "the local B2 cuts downloads" curl -sf -u "$MASTER_ID:$MASTER_KEY" -X POST \
  -H 'Content-Type: application/json' \
  -d '{"count": 100000, "cutAfterBytes": 1000, "endpoint": "b2_download_file_by_id"}' \
  "$URL/b2tui-admin/v1/fail_next" -o /dev/null

has_temp() { ls -A "$DST" | grep -q '^\.b2tui-tmp-.*\.part$'; }
no_temp() { ! has_temp; }
# The b2tui process of the pane (the pane's shell runs it as a child).
tui_pid() { pgrep -P "$(tmux -L "$SOCK" display -p -t "$SESSION" '#{pane_pid}')" -f "$BIN" | head -n1; }
normal_screen() { [ "$(tmux -L "$SOCK" display -p -t "$SESSION" '#{alternate_on}')" = 0 ]; }

# download_then SIGNAL STATUS: opens the TUI, starts the download, sends SIGNAL while the
# temporary file exists, and checks the way out.
download_then() {
  local signal=$1 status=$2
  tmux -L "$SOCK" kill-session -t "$SESSION" 2>/dev/null || true
  tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$DST" \
    "$BIN --endpoint $URL --deterministic; echo b2tui-exited-\$?; sleep 30"
  step "$signal: the TUI opens on the bucket" wait_for "sigterm-test" 30
  keys Enter
  step "$signal: the bucket lists the file" wait_for "big.bin"
  keys /
  keys -l big.bin
  keys Enter
  keys d
  step "$signal: d asks for the folder" wait_for "path $DST"
  keys Enter
  step "$signal: the download writes its temporary file" until_ok has_temp
  local pid
  pid=$(tui_pid)
  step "$signal: the b2tui process is found" test -n "$pid"
  kill "-$signal" "$pid"
  step "$signal: b2tui exits with $status" wait_for "b2tui-exited-$status"
  step "$signal: the terminal left the alternate screen" normal_screen
  step "$signal: no temporary file is left" no_temp
  step "$signal: no partial download is left" test ! -e "$DST/big.bin"
}

download_then TERM 143
download_then HUP 129
summary
