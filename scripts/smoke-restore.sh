#!/usr/bin/env bash
# End-to-end for versions and restore: runs the real binary on the demo in a private tmux
# server, shows the hidden docs/old-notes.txt (H), unhides it (U), restores the first
# version of docs/report.txt (r in the versions pane), deletes (hides) docs/meeting notes.txt
# (D, confirmed with y) and checks each on screen.
# Usage: scripts/smoke-restore.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=restore
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"

start_demo "$PWD"

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
keys BTab Escape
step "back in the files pane, filter cleared" wait_for "meeting notes.txt"
keys /
keys -l meeting
keys Enter D
step "D asks first" wait_for "Delete (hide) 1 file?"
step "the question names the file" wait_for "  docs/meeting notes.txt"
step "and says how to get it back" wait_for "U unhides them"
keys y
step "y deletes (hides) it" wait_for "Done: delete docs/meeting notes.txt"
keys Escape
step "it is gone from the listing" wait_gone "meeting notes.txt "
step "two files are left" wait_for "Files  2 "
keys H
step "H shows it hidden" wait_for "◌ meeting notes.txt"
keys '?'
step "? help still renders" wait_for "Everywhere (panes)"
keys Escape
step "Esc closes help" wait_gone "Everywhere (panes)"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
summary
