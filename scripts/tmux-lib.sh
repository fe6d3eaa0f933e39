# Shared harness of the scripts/smoke-*.sh end-to-end tests; source it after setting SUITE
# (and BIN). It gives a private tmux server, polling waits (never a bare sleep), steps that
# end the run at the first failure, and removes the server and every path in CLEANUP on exit.
SOCK="b2tui-$SUITE-$$"
SESSION="$SUITE"
PASSED=0
FAILED=0
SCREEN=$(mktemp)
CLEANUP=("$SCREEN")
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  rm -rf "${CLEANUP[@]}"
}
trap cleanup EXIT

# A suite may redefine this to keep every captured screen.
on_capture() { :; }

capture() {
  tmux -L "$SOCK" capture-pane -p -t "$SESSION" >"$SCREEN" 2>/dev/null || true
  on_capture
}

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

# wait_gone TEXT [SECONDS]: polls until TEXT is no longer on the screen.
wait_gone() {
  local text=$1 limit=${2:-20} deadline
  deadline=$((SECONDS + limit))
  while [ $SECONDS -lt $deadline ]; do
    capture
    if ! grep -qF -- "$text" "$SCREEN"; then return 0; fi
    sleep 0.1
  done
  echo "--- screen when waiting for this to go: $text"
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

summary() { echo "$SUITE-tmux: $PASSED passed, $FAILED failed"; }

# step NAME COMMAND...: runs one check; the first failure ends the run.
step() {
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $name"
    FAILED=$((FAILED + 1))
    summary
    exit 1
  fi
}

# start_demo DIR [VAR=VALUE...]: runs `$BIN --demo --deterministic` in a 120x36 session
# started in DIR, without the user's credentials; the shell says how it exited.
start_demo() {
  local dir=$1
  shift
  tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$dir" \
    "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY $* $BIN --demo --deterministic; echo b2tui-exited-\$?; sleep 30"
}

# until_ok CMD...: polls CMD for up to 60 s.
until_ok() {
  local deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# start_serve ARGS...: runs `$BIN serve --listen 127.0.0.1:0 ARGS...` without the user's
# credentials, stopped on exit; once it listens, URL, MASTER_ID and MASTER_KEY are set.
start_serve() {
  SERVE_LOG=$(mktemp)
  CLEANUP+=("$SERVE_LOG")
  env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY \
    "$BIN" serve --listen 127.0.0.1:0 "$@" >"$SERVE_LOG" 2>&1 &
  SERVE_PID=$!
  trap 'kill "$SERVE_PID" 2>/dev/null || true; cleanup' EXIT
  serving() { grep -q "^master key:" "$SERVE_LOG"; }
  step "the local B2 starts" until_ok serving
  URL=$(sed -n 's/^listening on //p' "$SERVE_LOG")
  MASTER_ID=$(sed -n 's/^master key id: *//p' "$SERVE_LOG")
  MASTER_KEY=$(sed -n 's/^master key: *//p' "$SERVE_LOG")
}
