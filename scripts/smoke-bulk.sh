#!/usr/bin/env bash
# End-to-end for folder jobs: `b2tui serve --seed-bulk` fills two folders, and the real
# binary in a private tmux server downloads a 5,000-file folder as ONE job (its row counts
# the files and ends with a summary), then starts a 30,000-file download and cancels it
# mid-way (`q` meanwhile asks first): no temporary file is left. Retried, it goes on;
# quitting while it runs asks first and leaves no temporary file either.
# Usage: scripts/smoke-bulk.sh [path/to/b2tui]
set -euo pipefail
BIN=$(realpath "${1:-target/release/b2tui}")
SUITE=bulk
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
DST=$(mktemp -d)
CLEANUP+=("$DST")
start_serve --seed-bulk bulk-folders:many/:5000 --seed-bulk bulk-folders:other/:30000

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$DST" \
  "env B2_APPLICATION_KEY_ID=$MASTER_ID B2_APPLICATION_KEY=$MASTER_KEY XDG_CONFIG_HOME=/nonexistent $BIN --endpoint $URL --deterministic; echo b2tui-exited-\$?; sleep 30"

files_in() { find "$1" -type f | wc -l; }
no_temp_files() { [ -z "$(find "$DST" -name '*.b2tui-tmp')" ]; }
all_5000() { [ "$(files_in "$DST/many")" -eq 5000 ]; }
at_least_1000() { [ "$(files_in "$DST/other")" -ge 1000 ]; }
BEFORE=0
more_than_before() { [ "$(files_in "$DST/other")" -gt "$BEFORE" ]; }
some_but_not_all() {
  local n
  n=$(files_in "$DST/other")
  BEFORE=$n
  echo "other/: $n of 30000 files arrived before the cancel"
  [ "$n" -lt 30000 ]
}

step "the bucket is listed" wait_for "bulk-folders" 30
keys Enter
step "its folders are listed" wait_for "other/"
keys /
keys -l many
keys Enter
keys d
step "d asks for the folder, defaulting to the start directory" wait_for "path $DST"
keys Enter
keys t
step "the folder is one job in the Transfers view" wait_for "b2://bulk-folders/many/ → $DST"
step "its row ends with the summary of 5,000 files" wait_for "5,000 copied · 0 skipped · 0 failed" 120
step "the totals count one job" wait_for "1 jobs · 1 done"
step "every file is on disk" all_5000
keys 1
keys Escape
step "Esc clears the filter" wait_for "other/"
keys /
keys -l other
keys Enter
keys d
step "d asks for the folder again" wait_for "path $DST"
keys Enter
keys t
step "the second folder is one more job" wait_for "b2://bulk-folders/other/ → $DST"
step "it runs, files counted as they arrive" wait_for "files  " 30
step "a thousand of its files arrive" until_ok at_least_1000
keys q
step "q while it runs asks first, saying what stops" wait_for "downloads in progress are"
keys Escape
step "Esc keeps it running" wait_gone "Quit with transfers running?"
keys G
keys c
step "c on the running job asks first" wait_for "Cancel b2://bulk-folders/other/"
keys d
step "the job is cancelled mid-way" wait_for "cancelled" 30
step "the cancelled job left part of its files" some_but_not_all
step "no temporary file is left" no_temp_files
keys r
step "r retries the cancelled job: it goes on" wait_for "running" 30
step "more of its files arrive" until_ok more_than_before
keys q
step "q asks first while it runs" wait_for "Quit with transfers running?"
keys y
step "y quits with status 0" wait_for "b2tui-exited-0"
step "quitting mid-way left no temporary file" no_temp_files
summary
