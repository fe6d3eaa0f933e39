#!/usr/bin/env bash
# End-to-end for bucket settings: on the demo, opens a bucket's settings, adds a lifecycle
# rule from a preset, saves it (with ifRevisionIs) and sees it stored after the view reloads
# the bucket from the local B2. Usage: scripts/smoke-settings.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SOCK=b2tui-settings-$$
SESSION=settings
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
    echo "settings-tmux: $PASSED passed, $FAILED failed"
    exit 1
  fi
}

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys B
step "B opens the bucket settings" wait_for "Bucket settings  demo-backups"
step "the bucket is read with its revision" wait_for "revision"
keys Tab
step "the lifecycle tab lists the rules" wait_for "prefix"
keys a
step "a opens the rule form" wait_for "Add lifecycle rule"
keys Right Right Right
step "a preset fills the days" wait_for "keep prior versions for N days"
keys Tab
keys -l smoke-tmp/
keys Enter
step "the rule joins the edited list" wait_for "smoke-tmp/"
keys w
step "w shows the before/after diff" wait_for "+ \"smoke-tmp/\""
keys y
step "y saves it" wait_for "Saved demo-backups"
keys Escape
step "Esc closes the view" wait_for "c new bucket"
keys B
step "reopening reads the bucket again" wait_for "Bucket settings  demo-backups"
keys Tab
step "the stored rule is there" wait_for "smoke-tmp/"
keys Escape
step "Esc returns to the panes" wait_for "c new bucket"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
echo "settings-tmux: $PASSED passed, $FAILED failed"
