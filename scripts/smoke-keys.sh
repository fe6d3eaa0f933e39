#!/usr/bin/env bash
# End-to-end for the Keys view: runs the real binary on the demo in a private tmux server,
# creates a key, reads its one-time secret, closes it, deletes the key, and checks that
# no screen after closing the secret shows it. Usage: scripts/smoke-keys.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SOCK=b2tui-keys-$$
SESSION=keys
PASSED=0
FAILED=0
SCREEN=$(mktemp)
AFTER=$(mktemp)
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -f "$SCREEN" "$AFTER"
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
    cat "$SCREEN" >>"$AFTER"
    if ! grep -qF -- "$text" "$SCREEN"; then return 0; fi
    sleep 0.1
  done
  echo "--- screen when waiting for this to go: $text"
  cat "$SCREEN"
  return 1
}

# Every screen captured after the secret modal closed goes to $AFTER.
keep() { capture; cat "$SCREEN" >>"$AFTER"; }

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
    echo "keys-tmux: $PASSED passed, $FAILED failed"
    exit 1
  fi
}

secret_absent() {
  [ -n "$SECRET" ] && ! grep -qF -- "$SECRET" "$AFTER"
}

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys K
step "K opens the Keys view with the key in use" wait_for "b2tui uses"
step "the key list has loaded" wait_for "new key"
keys n
step "n opens the create form" wait_for "New application key"
keys -l smoke-key
keys Tab Right Enter
step "creating shows the one-time secret" wait_for "copy it now"
SECRET=$(grep -F "Secret " "$SCREEN" | sed -E 's/.*Secret +([^ │]+).*/\1/' | head -1)
step "the secret is on the screen once" test -n "$SECRET"
keys Escape
step "closing the secret returns to the list" wait_gone "copy it now"
step "the new key is listed" wait_for "smoke-key"
keep
keys D
step "D asks before deleting" wait_for "Delete key smoke-key"
keep
keys y
step "y deletes the key" wait_for "Deleted key smoke-key"
keep
step "the key is gone from the list" wait_gone "smoke-key"
keep
step "no screen after closing shows the secret" secret_absent
keys Escape
step "Esc goes back to browsing" wait_gone "b2tui uses"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
echo "keys-tmux: $PASSED passed, $FAILED failed"
