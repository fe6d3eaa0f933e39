#!/usr/bin/env bash
# End-to-end for event notifications: on the demo, opens a bucket's Notifications tab, adds
# a webhook rule with the form (reviewed before it is saved), and sees it listed (as the local B2 stored it) after the
# view is closed and opened again; then edits the bucket info through $EDITOR (the terminal
# is suspended and restored). Usage: scripts/smoke-notify.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=notify
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
EDIT=$(mktemp)
CLEANUP+=("$EDIT")
# The "editor": writes new bucket info into the file it is given.
printf '#!/bin/sh\nprintf %%s %s > "$1"\n' "'{\"team\": \"smoke\"}'" >"$EDIT"
chmod +x "$EDIT"

start_demo "$PWD" -u VISUAL EDITOR=$EDIT

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys B
step "B opens the bucket settings" wait_for "Bucket settings  demo-backups"
keys Tab Tab
step "the Notifications tab reads the rules" wait_for "No notification rules"
keys a
step "a opens the rule form" wait_for "Add notification rule"
keys Enter
step "an empty form is refused inline" wait_for "tick at least one event type"
keys -l smoke-hook
keys Tab Space Tab Tab
keys -l https://hooks.example.com/b2
keys Enter
step "the rules are shown before → after" wait_for "Save notification rules?"
keys y
step "the rule is saved" wait_for "Saved 1 notification rules"
step "the rule is listed" wait_for "smoke-hook"
keys Escape
step "Esc closes the view" wait_for "c new bucket"
keys B
step "reopening reads the bucket again" wait_for "Bucket settings  demo-backups"
keys Tab Tab
step "the stored rule is there" wait_for "https://hooks.example.com/b2"
keys Space
step "Space asks before disabling it" wait_for "smoke-hook (disabled)"
keys y
step "y closes the review" wait_gone "Save notification rules?"
step "Space disables it" wait_for "disabled"
keys BTab BTab e
step "e on Info saves the bucket info from \$EDITOR" wait_for "team: smoke"
keys Escape
step "Esc returns to the panes" wait_for "c new bucket"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
summary
