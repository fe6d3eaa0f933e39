#!/usr/bin/env bash
# End-to-end on a 200,000-name folder: `b2tui serve --seed-bulk` fills it, and the real
# binary in a private tmux server jumps to a name deep in it, scrolls up past the jumped-to
# window, sorts, searches the folder and opens its usage.
# Usage: scripts/smoke-huge.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=huge
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
start_serve --seed-bulk huge-folder:big/:200000

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$PWD" \
  "env B2_APPLICATION_KEY_ID=$MASTER_ID B2_APPLICATION_KEY=$MASTER_KEY XDG_CONFIG_HOME=/nonexistent $BIN --endpoint $URL --deterministic; echo b2tui-exited-\$?; sleep 30"

step "the bucket is listed" wait_for "huge-folder" 30
keys Enter
step "its folder is listed" wait_for "big/"
keys Enter
step "the folder's first names arrive" wait_for "n0000000.dat"
keys :
step ": opens the go-to prompt on the folder" wait_for "b2://huge-folder/big/"
keys -l n0150000
keys Enter
step "the jump lands on the name" wait_for "names from n0150000"
step "the jumped-to name is on screen" wait_for "n0150000.dat"
keys k
step "up past the window loads the names before it" wait_for "n0149999.dat"
keys o
step "o sorts what is loaded" wait_for "by name"
keys F
step "F opens the search" wait_for "every name under this folder"
keys -l n01999
keys Enter
step "the search scans the whole folder" wait_for "scanned 200,000 names" 60
step "it finds every match" wait_for "100 matches"
keys Escape Escape
step "the search closes" wait_gone "scanned 200,000 names"
keys z
step "z scans the folder's usage to the end" wait_for "complete: 200,000 versions" 60
keys Escape
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
summary
