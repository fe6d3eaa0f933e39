#!/usr/bin/env bash
# End-to-end: the preview pane on the demo in a private tmux server. It follows the cursor
# in the files pane, then shows each version of docs/report.txt in the versions pane, copies
# the name with `y` `n` (read back from tmux's paste buffer: OSC 52), and hides again. Usage: scripts/smoke-preview.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=preview
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"

start_demo "$PWD"
tmux -L "$SOCK" set-option -g set-clipboard on

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys j Enter
step "opening a bucket lists its folders" wait_for "docs/"
keys /
keys -l docs
keys Enter Enter
step "the folder lists its files" wait_for "report.txt"
keys /
keys -l report
keys Enter
step "the versions pane lists every version" wait_for "Versions  3  report.txt"
keys p
step "p shows the preview of the current version" wait_for "Report, final."
step "the header says the size and type" wait_for "15 B · text · text/plain"
keys Enter
step "the versions pane has the keys" wait_for "back to files"
keys j
step "one key shows the version before" wait_for "Report, second draft with numbers."
keys j
step "and the first one" wait_for "Report, first draft."
keys y
step "y opens the copy menu on the version" wait_for "docs/report.txt"
keys n
step "n copies the name" wait_for "Copied the name to the clipboard"
copied() { [ "$(tmux -L "$SOCK" show-buffer 2>/dev/null)" = "docs/report.txt" ]; }
step "tmux's buffer holds the name (OSC 52)" until_ok copied
step "the preview still shows the version" wait_for "Report, first draft."
keys p
step "p hides the preview" wait_gone "Report, first draft."
summary
