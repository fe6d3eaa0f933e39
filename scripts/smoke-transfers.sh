#!/usr/bin/env bash
# End-to-end for transfers: runs the real binary on the demo in a private tmux server,
# uploads a temp file by typing its path (Tab completes it), sees it done in the Transfers
# view and listed in the files pane, then downloads it into the folder b2tui started in
# and compares the bytes. Usage: scripts/smoke-transfers.sh [path/to/b2tui]
set -euo pipefail
BIN=$(realpath "${1:-target/release/b2tui}")
SOCK=b2tui-transfers-$$
SESSION=transfers
PASSED=0
FAILED=0
SCREEN=$(mktemp)
SRC=$(mktemp -d)
DST=$(mktemp -d)
NAME=xpane-smoke-$$.bin
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -rf "$SCREEN" "$SRC" "$DST"
}
trap cleanup EXIT

head -c 300000 /dev/urandom >"$SRC/$NAME"

capture() { tmux -L "$SOCK" capture-pane -p -t "$SESSION" >"$SCREEN" 2>/dev/null || true; }

# wait_for TEXT [SECONDS]: polls the screen until TEXT shows up, else fails the step.
wait_for() {
  local text=$1 limit=${2:-20} deadline
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    capture
    if grep -qF -- "$text" "$SCREEN"; then return 0; fi
    sleep 0.1
  done
  echo "--- screen when waiting for: $text"
  cat "$SCREEN"
  return 1
}

# wait_file PATH [SECONDS]: polls until PATH exists.
wait_file() {
  local path=$1 limit=${2:-20} deadline
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    if [ -f "$path" ]; then return 0; fi
    sleep 0.1
  done
  echo "--- no file $path"
  return 1
}

keys() { tmux -L "$SOCK" send-keys -t "$SESSION" "$@"; }

step() {
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $name"
    FAILED=$((FAILED + 1))
    echo "transfers-tmux: $PASSED passed, $FAILED failed"
    exit 1
  fi
}

# Started in $DST, so the download prompt offers it as the default folder.
tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$DST" \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"

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
step "the conflict policy is asked once" wait_for "keep both"
keys s
step "the download lands in the folder" wait_file "$DST/$NAME"
keys 2
step "2 shows both transfers done" wait_for "2 done"
step "the downloaded bytes match" cmp "$SRC/$NAME" "$DST/$NAME"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
echo "transfers-tmux: $PASSED passed, $FAILED failed"
