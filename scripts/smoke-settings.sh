#!/usr/bin/env bash
# End-to-end for bucket settings: on the demo, opens a bucket's settings, adds a lifecycle
# rule from a preset, saves it (with ifRevisionIs) and sees it stored after the view reloads
# the bucket from the local B2. Usage: scripts/smoke-settings.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=settings
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"

start_demo "$PWD"

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
summary
