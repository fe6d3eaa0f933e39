#!/usr/bin/env bash
# End-to-end for file actions: runs the real binary on the demo in a private tmux server
# (with `set-clipboard on`), downloads the first draft of docs/report.txt with `d` in the
# versions pane and the current version beside it, compares the bytes; copies a name with
# `y` `n` and reads it back from tmux's paste buffer (OSC 52); edits docs/meeting notes.txt
# with a scripted $EDITOR (`e`) and sees the new version; opens a file with `O` through
# $B2TUI_OPENER; checks the temporary files are gone after quitting.
# Usage: scripts/smoke-actions.sh [path/to/b2tui]
set -euo pipefail
BIN=$(realpath "${1:-target/release/b2tui}")
SUITE=actions
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
DST=$(mktemp -d)
TOOLS=$(mktemp -d)
CLEANUP+=("$DST" "$TOOLS")

# The editor appends a line; the opener records the path it was given and the bytes.
cat >"$TOOLS/editor.sh" <<'EOF'
#!/bin/sh
printf 'Edited in the smoke test.\n' >>"$1"
EOF
cat >"$TOOLS/opener.sh" <<EOF
#!/bin/sh
cp "\$1" "$TOOLS/opened.bytes"
printf '%s' "\$1" >"$TOOLS/opened.tmp" && mv "$TOOLS/opened.tmp" "$TOOLS/opened.path"
EOF
chmod +x "$TOOLS/editor.sh" "$TOOLS/opener.sh"

start_demo "$DST" "EDITOR=$TOOLS/editor.sh" "VISUAL=" "B2TUI_OPENER=$TOOLS/opener.sh"
tmux -L "$SOCK" set-option -g set-clipboard on

step "demo opens on the bucket list" wait_for "demo-photos" 60
keys j Enter
step "the bucket opens" wait_for "日本語/"
keys /
keys -l docs
keys Enter Enter
step "docs/ opens" wait_for "b2://demo-photos/docs/"
keys /
keys -l report
keys Enter
step "report.txt has 3 versions" wait_for "Versions  3  report.txt"
keys Tab G d
step "d on the oldest version asks for the folder" wait_for "path $DST"
keys Enter
old_landed() { compgen -G "$DST/report (*).txt" >/dev/null; }
step "the old version lands under a name with its upload time" until_ok old_landed
first_draft() { [ "$(cat "$DST"/report\ \(*\).txt)" = "Report, first draft." ]; }
step "its bytes are the first draft's" first_draft
keys g d
step "d on the current version asks again" wait_for "path $DST"
keys Enter
step "the current version lands under its own name" wait_file "$DST/report.txt"
final() { [ "$(cat "$DST/report.txt")" = "Report, final." ] && first_draft; }
step "both are there, neither overwritten" final

keys BTab Escape
step "back in the files pane" wait_for "meeting notes.txt"
keys /
keys -l meeting
keys Enter y
step "y opens the copy menu with the exact texts" wait_for "b2://demo-photos/docs/meeting notes.txt"
step "the command line is offered" wait_for "b2 file download b2id://"
keys n
step "n copies the name" wait_for "Copied the name to the clipboard"
copied() { [ "$(tmux -L "$SOCK" show-buffer 2>/dev/null)" = "docs/meeting notes.txt" ]; }
step "tmux's buffer holds the name (OSC 52)" until_ok copied

keys e
step "e edits it and saves a new version" wait_for "Saved docs/meeting notes.txt as a new version"
keys Tab
step "the versions pane shows two versions" wait_for "Versions  2  meeting notes.txt"
keys BTab O
step "O hands the file to the opener" wait_file "$TOOLS/opened.path"
edited() { tail -n 1 "$TOOLS/opened.bytes" | grep -qx "Edited in the smoke test."; }
step "the opened file holds the edited bytes" edited
OPENED=$(cat "$TOOLS/opened.path")
step "the opened copy is kept while b2tui runs" test -f "$OPENED"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
step "the temporary files are removed at exit" test ! -e "$OPENED"
summary
