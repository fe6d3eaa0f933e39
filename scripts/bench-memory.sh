#!/usr/bin/env bash
# Memory while browsing a huge folder: the real binary in a private tmux server walks a
# 1,000,000-name folder of `b2tui serve --seed-bulk` from its first name to its last
# (`G` again and again: each one loads the pages ahead), then back to the top with `g`,
# and reports the resident memory (VmRSS now, VmHWM the peak) of the TUI process.
# Usage: scripts/bench-memory.sh [path/to/b2tui] [names]
set -euo pipefail
BIN=${1:-target/release/b2tui}
NAMES=${2:-1000000}
SUITE=memory
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
start_serve --seed-bulk huge-folder:big/:"$NAMES"

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$PWD" \
  "exec env B2_APPLICATION_KEY_ID=$MASTER_ID B2_APPLICATION_KEY=$MASTER_KEY XDG_CONFIG_HOME=/nonexistent $BIN --endpoint $URL --deterministic"
PID=$(tmux -L "$SOCK" display-message -p -t "$SESSION" '#{pane_pid}')
rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) " MB" }' "/proc/$PID/status"; }

step "the bucket is listed" wait_for "huge-folder" 30
keys Enter
step "its folder is listed" wait_for "big/"
keys Enter
step "the folder's first names arrive" wait_for "n0000000.dat"
echo "at the top: RSS $(rss VmRSS)"

last=$(printf 'n%07d.dat' $((NAMES - 1)))
started=$SECONDS
# `G` goes to the last loaded name, and loading ahead follows; `j` in between keeps two
# `G`s from meaning "seek the folder's end".
while ! grep -qF -- "$last" "$SCREEN"; do
  keys G
  keys j
  capture
  if [ $((SECONDS - started)) -gt 900 ]; then
    echo "gave up after 900 s"
    cat "$SCREEN"
    exit 1
  fi
done
echo "walked $NAMES names in $((SECONDS - started)) s"
echo "at the end: RSS $(rss VmRSS), peak $(rss VmHWM)"
keys g
step "g goes back to the folder's first name" wait_for "n0000000.dat" 60
echo "back at the top: RSS $(rss VmRSS), peak $(rss VmHWM)"
keys q
summary
