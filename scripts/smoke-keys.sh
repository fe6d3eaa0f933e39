#!/usr/bin/env bash
# End-to-end for the Keys view: runs the real binary on the demo in a private tmux server,
# creates a key, reads its one-time secret, closes it, deletes the key, and checks that
# no screen after closing the secret shows it. Usage: scripts/smoke-keys.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=keys
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
AFTER=$(mktemp)
CLEANUP+=("$AFTER")
# Every screen captured after the secret modal closed goes to $AFTER.
RECORD=0
on_capture() { if [ "$RECORD" = 1 ]; then cat "$SCREEN" >>"$AFTER"; fi; }
keep() { capture; }
secret_absent() {
  [ -n "$SECRET" ] && ! grep -qF -- "$SECRET" "$AFTER"
}

start_demo "$PWD"

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
RECORD=1
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
summary
