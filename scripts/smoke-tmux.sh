#!/usr/bin/env bash
# End-to-end: runs the real binary on the demo in a private tmux server, drives it with
# keys and asserts on what the screen shows. Usage: scripts/smoke-tmux.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=smoke
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"

start_demo "$PWD"

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
summary
