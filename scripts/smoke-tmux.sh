#!/usr/bin/env bash
# End-to-end: runs the real binary on the demo in a private tmux server, drives it with
# keys and asserts on what the screen shows. Usage: scripts/smoke-tmux.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SOCK=b2tui-smoke-$$
SESSION=smoke
PASSED=0
FAILED=0
SCREEN=$(mktemp)
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -f "$SCREEN"
}
trap cleanup EXIT

capture() { tmux -L "$SOCK" capture-pane -p -t "$SESSION" >"$SCREEN" 2>/dev/null || true; }

# wait_for TEXT [SECONDS]: polls the screen until TEXT shows up, else fails the step.
wait_for() {
  local text=$1 limit=${2:-20} deadline
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    capture
    if grep -qF -- "$text" "$SCREEN"; then return 0; fi
    sleep 0.1
  done
  echo "--- screen when waiting for: $text"
  cat "$SCREEN"
  return 1
}

keys() { tmux -L "$SOCK" send-keys -t "$SESSION" "$@"; }

step() {
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $name"
    FAILED=$((FAILED + 1))
    echo "tmux: $PASSED passed, $FAILED failed"
    exit 1
  fi
}

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys j Enter
step "opening a bucket lists its folders" wait_for "日本語/"
keys /
keys -l docs
keys Enter Enter
step "entering a folder shows the breadcrumb" wait_for "b2://demo-photos/docs/"
step "the folder lists its files" wait_for "meeting notes.txt"
keys /
keys -l report
keys Enter
step "the versions pane lists every version" wait_for "Versions  3  report.txt"
keys Enter
step "Enter on a file focuses its versions" wait_for "back to files"
keys BSpace BSpace
step "going up returns to the bucket root" wait_for "trips/"
keys '?'
step "help is generated from the keymap" wait_for "bottom (loads more)"
keys Escape
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
echo "tmux: $PASSED passed, $FAILED failed"
