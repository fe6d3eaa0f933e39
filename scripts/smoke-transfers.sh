#!/usr/bin/env bash
# End-to-end for transfers: runs the real binary on the demo in a private tmux server,
# uploads a temp file by typing its path (Tab completes it), sees it done in the Transfers
# view and listed in the files pane, then downloads it into the folder b2tui started in
# and compares the bytes. Usage: scripts/smoke-transfers.sh [path/to/b2tui]
set -euo pipefail
BIN=$(realpath "${1:-target/release/b2tui}")
SUITE=transfers
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
SRC=$(mktemp -d)
DST=$(mktemp -d)
CLEANUP+=("$SRC" "$DST")
NAME=xpane-smoke-$$.bin

head -c 300000 /dev/urandom >"$SRC/$NAME"

# Started in $DST, so the download prompt offers it as the default folder.
start_demo "$DST"

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys j Enter
step "opening a bucket lists its folders" wait_for "trips/"
keys /
keys -l docs
keys Enter Enter
step "entering a folder shows the breadcrumb" wait_for "b2://demo-photos/docs/"
keys u
step "u opens the upload prompt" wait_for "uploaded into b2://demo-photos/docs/"
keys -l "$SRC/xpane-smoke"
keys Tab
step "Tab completes the local path" wait_for "$SRC/$NAME"
keys Enter
keys t
step "t shows the Transfers view" wait_for "b2://demo-photos/docs/$NAME"
step "the upload is done" wait_for "1 done"
keys 1
step "1 goes back to browsing" wait_for "meeting notes.txt"
step "the uploaded file is listed" wait_for "$NAME"
keys /
keys -l "$NAME"
keys Enter
keys d
step "d asks for the folder, defaulting to the start directory" wait_for "path $DST"
keys Enter
step "into an empty folder nothing is asked: the download lands" wait_file "$DST/$NAME"
keys 2
step "2 shows both transfers done" wait_for "2 done"
step "the downloaded bytes match" cmp "$SRC/$NAME" "$DST/$NAME"
keys 1
keys d
step "d again asks for the folder" wait_for "path $DST"
keys Enter
step "now that the file exists, the question is asked once" wait_for "1 target already exists"
keys b
step "keep both writes beside it" wait_file "$DST/${NAME%.bin} (1).bin"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
summary
