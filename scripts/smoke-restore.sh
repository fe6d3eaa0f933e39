#!/usr/bin/env bash
# End-to-end for versions and restore: runs the real binary on the demo in a private tmux
# server, shows the hidden docs/old-notes.txt (H), unhides it (U), restores the first
# version of docs/report.txt (r in the versions pane) and checks both on screen.
# Usage: scripts/smoke-restore.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SOCK=b2tui-restore-$$
SESSION=restore
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

# wait_gone TEXT [SECONDS]: polls until TEXT is no longer on the screen.
wait_gone() {
  local text=$1 limit=${2:-20} deadline
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    capture
    if ! grep -qF -- "$text" "$SCREEN"; then return 0; fi
    sleep 0.1
  done
  echo "--- screen when waiting for this to go: $text"
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
    echo "restore-tmux: $PASSED passed, $FAILED failed"
    exit 1
  fi
}

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys j Enter
step "the bucket opens" wait_for "日本語/"
keys /
keys -l docs
keys Enter Enter
step "docs/ opens" wait_for "b2://demo-photos/docs/"
step "the hidden file is not listed" wait_for "meeting notes.txt"
keys H
step "H shows hidden files" wait_for "◌ old-notes.txt"
keys /
keys -l old-notes
keys Enter
keys U
step "U unhides it" wait_for "Done: unhide docs/old-notes.txt"
step "it is listed as a plain file again" wait_gone "◌ old-notes.txt"
keys Escape
keys H
step "back to the normal listing" wait_for "Hiding hidden files"
step "the unhidden file is listed" wait_for "old-notes.txt"
keys /
keys -l report
keys Enter
step "report.txt has 3 versions" wait_for "Versions  3  report.txt"
keys Tab G r
step "r restores the first draft" wait_for "Done: restore docs/report.txt"
step "the copy is the fourth, current version" wait_for "Versions  4  report.txt"
keys g i
step "i shows the restored version's details" wait_for "Current version"
step "its size is the first draft's" wait_for "21 B (21 bytes)"
keys Escape
step "Esc closes the details" wait_gone "Current version"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
echo "restore-tmux: $PASSED passed, $FAILED failed"
