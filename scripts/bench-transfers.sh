#!/usr/bin/env bash
# Transfer benchmark on loopback: starts `b2tui serve` (release) with a temp --data folder,
# then times b2tui `cp`, rclone `copy` and the b2 CLI on the same server with the same
# concurrency: one big file up and down, many same-size small files up and down, and a
# folder of many files of random sizes up and down. A "limit" row moves the same bytes
# over raw HTTP with SHA-1s computed beforehand (scripts/bench-limit.py). Prints seconds,
# MB/s, b2tui's time over the fastest other tool and over the limit, plus machine limits.
#
# Env: BENCH_SIZE_MB (1024)  BENCH_FILES (2000)  BENCH_FILE_KB (64)
#      BENCH_MIXED (20000 files of 1-64 KiB)  BENCH_THREADS (8); a count or size of 0
#      skips its rows
#      BENCH_ROUNDS (3: tool order rotates each round, each row keeps a tool's best time)
#      BENCH_TOOLS ("b2tui tui rclone b2 limit"; tui is the terminal UI driven in tmux:
#      its time is the job's own, from the job's start to its last file verified, read
#      off its row once the Transfers view says done; the screen is polled every
#      BENCH_TUI_POLL s (1): a slow poll loses no precision, while ten tmux captures a
#      second would take CPU from the tools)  BENCH_NO_BUILD=1 to use the existing release
#      binary, BENCH_BIN=path to time another b2tui binary (it also serves)
#      BENCH_BASE_BIN=path adds a "base" column: another b2tui binary's cp on the same
#      server in the same rounds (before/after a change); BENCH_KEEP=1 keeps the work folder.
set -uo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${BENCH_SIZE_MB:-1024}
FILES=${BENCH_FILES:-2000}
FILE_KB=${BENCH_FILE_KB:-64}
THREADS=${BENCH_THREADS:-8}
ROUNDS=${BENCH_ROUNDS:-3}
MIXED=${BENCH_MIXED:-20000}
TOOLS=${BENCH_TOOLS:-"b2tui tui rclone b2 limit"}
BIN=${BENCH_BIN:-${CARGO_TARGET_DIR:-$PWD/target}/release/b2tui}
LIMIT=$PWD/scripts/bench-limit.py
BASE_BIN=${BENCH_BASE_BIN:-}
[ -n "$BASE_BIN" ] && TOOLS="$TOOLS base"

if [ -z "${BENCH_NO_BUILD:-}" ] && [ -z "${BENCH_BIN:-}" ]; then
  cargo build --release --quiet || exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/b2tui-bench.XXXXXX")
SERVER_PID=""
cleanup() {
  [ -n "${TUI_SOCK:-}" ] && tmux -L "$TUI_SOCK" kill-server 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mbps() { awk -v bytes="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", bytes / 1e6 / s; else print "-" }'; }

KEY_ID=0012benchbenchbench0000
KEY=K001benchbenchbenchbenchbenchben
"$BIN" serve --listen 127.0.0.1:0 --data "$WORK/data" --key-id "$KEY_ID" --key "$KEY" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do
  grep -q "listening on" "$WORK/server.log" 2>/dev/null && break
  sleep 0.1
done
URL=$(sed -n 's/^listening on //p' "$WORK/server.log")
[ -n "$URL" ] || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
BUCKET=bench-bucket

# Bucket via raw API calls.
AUTH=$(curl -s -u "$KEY_ID:$KEY" "$URL/b2api/v3/b2_authorize_account")
TOKEN=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["authorizationToken"])' <<<"$AUTH")
ACCOUNT=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["accountId"])' <<<"$AUTH")
BUCKET_ID=$(curl -s -H "Authorization: $TOKEN" -d "{\"accountId\":\"$ACCOUNT\",\"bucketName\":\"$BUCKET\",\"bucketType\":\"allPrivate\"}" \
  "$URL/b2api/v3/b2_create_bucket" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bucketId"])')

echo "server $URL, data in $WORK/data; ${SIZE_MB} MiB file, ${FILES} x ${FILE_KB} KiB files, ${MIXED} files of 1-64 KiB, ${THREADS} threads"
echo "b2tui timed: $BIN"
uptime

# Inputs.
mkdir -p "$WORK/big" "$WORK/small"
head -c "$((SIZE_MB * 1048576))" /dev/urandom >"$WORK/big/big.bin"
BIG_BYTES=$((SIZE_MB * 1048576))
python3 - "$WORK/small" "$FILES" "$FILE_KB" <<'PY'
import os, sys
root, n, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    d = os.path.join(root, f"d{i % 20:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(kb * 1024))
PY
SMALL_BYTES=$((FILES * FILE_KB * 1024))
MIXED_BYTES=0
if [ "$MIXED" -gt 0 ]; then
  MIXED_BYTES=$(python3 - "$WORK/mixed" "$MIXED" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rng, total = random.Random(13), 0
for i in range(n):
    d = os.path.join(root, f"d{i % 100:02d}")
    os.makedirs(d, exist_ok=True)
    size = rng.randint(1024, 64 * 1024)
    with open(os.path.join(d, f"m{i:06d}.bin"), "wb") as f:
        f.write(os.urandom(size))
    total += size
print(total)
PY
)
fi
# The part (and range) size b2tui picks: at most 100 MB, a multiple of the streams in number.
PART_BYTES=$(python3 -c '
import sys
size, streams = int(sys.argv[1]), int(sys.argv[2])
count = -(-(-(-size // 100_000_000)) // streams) * streams
print(max(-(-size // max(count, 1)), 5_000_000, 1 << 20))' "$BIG_BYTES" "$THREADS")
if [[ " $TOOLS " == *" limit "* ]]; then
  [ "$BIG_BYTES" -gt 0 ] && python3 "$LIMIT" prep "$WORK/big/big.bin" "$WORK/limit-big.json" "$PART_BYTES"
  [ "$FILES" -gt 0 ] && python3 "$LIMIT" prep "$WORK/small" "$WORK/limit-small.json" 0
  [ "$MIXED" -gt 0 ] && python3 "$LIMIT" prep "$WORK/mixed" "$WORK/limit-mixed.json" 0
fi

# Machine limits.
echo
echo "== machine limits"
t0=$(now); sha1sum "$WORK/big/big.bin" >/dev/null; t1=$(now)
echo "sha1sum ${SIZE_MB} MiB:        $(elapsed "$t0" "$t1") s  ($(mbps $BIG_BYTES "$(elapsed "$t0" "$t1")") MB/s)"
t0=$(now); dd if=/dev/zero of="$WORK/dd.bin" bs=1M count="$SIZE_MB" conv=fsync status=none; t1=$(now)
rm -f "$WORK/dd.bin"
echo "disk write (dd fsync):  $(elapsed "$t0" "$t1") s  ($(mbps $BIG_BYTES "$(elapsed "$t0" "$t1")") MB/s)"
LOOP=$(python3 - "$SIZE_MB" <<'PY'
import socket, sys, threading, time
total = int(sys.argv[1]) << 20
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
def sink():
    c, _ = srv.accept(); n = 0
    while True:
        b = c.recv(1 << 20)
        if not b: break
        n += len(b)
t = threading.Thread(target=sink); t.start()
cl = socket.create_connection(srv.getsockname()); buf = b"\0" * (1 << 20)
t0 = time.time()
for _ in range(total >> 20): cl.sendall(buf)
cl.close(); t.join()
print(f"{time.time() - t0:.2f}")
PY
)
echo "loopback TCP copy:      $LOOP s  ($(mbps $BIG_BYTES "$LOOP") MB/s)"
t0=$(now); cp "$WORK/big/big.bin" "$WORK/copy.bin"; t1=$(now); rm -f "$WORK/copy.bin"
echo "local file copy:        $(elapsed "$t0" "$t1") s  ($(mbps $BIG_BYTES "$(elapsed "$t0" "$t1")") MB/s)"

export RCLONE_CONFIG="$WORK/rclone.conf" RCLONE_B2_ACCOUNT="$KEY_ID" RCLONE_B2_KEY="$KEY" \
  RCLONE_B2_ENDPOINT="$URL"
export B2_ACCOUNT_INFO="$WORK/b2_account_info" B2_ENVIRONMENT="$URL"
if [[ " $TOOLS " == *" b2 "* ]]; then
  b2 account authorize "$KEY_ID" "$KEY" >/dev/null 2>"$WORK/b2-auth.err" ||
    { echo "b2 account authorize failed:"; cat "$WORK/b2-auth.err"; }
fi

# forget_big LOCAL NAME: removes a downloaded big file and every version of NAME on the
# server, so that the rounds' 1 GiB copies do not fill the disk.
forget_big() {
  rm -f "$1"
  python3 - "$URL" "$TOKEN" "$BUCKET_ID" "$2" <<'PY'
import json, sys, urllib.request
url, token, bucket, name = sys.argv[1:]
def call(op, body):
    req = urllib.request.Request(f"{url}/b2api/v3/{op}", json.dumps(body).encode(),
                                 {"Authorization": token})
    return json.load(urllib.request.urlopen(req))
listed = call("b2_list_file_versions", {"bucketId": bucket, "startFileName": name, "maxFileCount": 20})
for f in listed["files"]:
    if f["fileName"] == name:
        call("b2_delete_file_version", {"fileName": name, "fileId": f["fileId"]})
PY
}

declare -A SECS
run() { # run ROW TOOL BYTES CHECK-COMMAND -- COMMAND...
  local row=$1 tool=$2 bytes=$3 check=$4; shift 5
  local t0 t1 s log="$WORK/log.$row.$tool"
  # Earlier writes (inputs, other tools) are flushed first so no run pays for another's.
  sync
  t0=$(now)
  TUI_TOOK=""
  if B2_APPLICATION_KEY_ID=$KEY_ID B2_APPLICATION_KEY=$KEY "$@" >"$log" 2>&1; then
    t1=$(now); s=$(elapsed "$t0" "$t1")
    [ "$tool" = tui ] && [ -n "$TUI_TOOK" ] && s=$TUI_TOOK
    if eval "$check" >>"$log" 2>&1; then
      local prev=${SECS[$row.$tool]:-}
      if [[ ! $prev =~ ^[0-9.]+$ ]] || awk -v a="$s" -v b="$prev" 'BEGIN { exit !(a < b) }'; then
        SECS[$row.$tool]=$s
      fi
    else
      SECS[$row.$tool]=BAD; echo "$tool $row: output differs (see $log)"
    fi
  else
    SECS[$row.$tool]=FAIL; echo "$tool $row failed:"; tail -5 "$log"
  fi
}

# The terminal UI in a private tmux server: one session per round, all rows in it, with the
# same concurrency as the other tools ([transfers] in its config.toml).
TUI_SOCK=""
TUI_DONE=0
TUI_FAILED=0
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p -t tui 2>/dev/null; }
tui_keys() { tmux -L "$TUI_SOCK" send-keys -t tui "$@"; }
TUI_TOOK=""
tui_wait() { # tui_wait TEXT [SECONDS] [LINES]: polls for TEXT on LINES (1) lines
  local deadline=$((SECONDS + ${2:-30})) lines=${3:-1}
  while [ $SECONDS -lt $deadline ]; do
    [ "$(tui_screen | grep -cF -- "$1")" -ge "$lines" ] && return 0
    sleep "${BENCH_TUI_POLL:-1}"
  done
  echo "tui: no \"$1\" on screen:"
  tui_screen
  return 1
}
tui_open() { # tui_open ROUND: starts the TUI on the bench bucket, downloads going to dl/tuiROUND
  local r=$1
  TUI_SOCK="b2tui-bench-$$"
  TUI_DONE=0
  TUI_FAILED=0
  mkdir -p "$WORK/xdg/b2tui" "$WORK/dl/tui$r" "$WORK/tuisrc"
  printf '[transfers]\nfiles = %s\nparts = %s\n' "$THREADS" "$THREADS" >"$WORK/xdg/b2tui/config.toml"
  tmux -L "$TUI_SOCK" kill-server 2>/dev/null
  tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s tui -x 200 -y 50 -c "$WORK/dl/tui$r" \
    "env B2_APPLICATION_KEY_ID=$KEY_ID B2_APPLICATION_KEY=$KEY XDG_CONFIG_HOME=$WORK/xdg $BIN --endpoint $URL; sleep 600"
  tui_wait "$BUCKET" 30 || return 1
  tui_keys Enter
}
tui_go() { # tui_go: starts the prompt's job, then waits for the Transfers view to count one
  # more job done (a job that fails instead fails the row at once)
  local deadline=$((SECONDS + 900)) screen counts done failed
  tui_keys Enter
  tui_keys t
  while [ $SECONDS -lt $deadline ]; do
    screen=$(tui_screen)
    counts=$(grep -m1 ' jobs · ' <<<"$screen" | awk '{ d = 0; f = 0
      for (i = 1; i < NF; i++) { if ($(i + 1) == "done") d = $i; if ($(i + 1) ~ /^(failed|cancelled)$/) f += $i }
      print d, f }')
    read -r done failed <<<"${counts:-0 0}"
    if [ "$failed" -gt "$TUI_FAILED" ]; then
      TUI_FAILED=$failed
      echo "$screen"
      return 1
    fi
    if [ "$done" -gt "$TUI_DONE" ]; then
      TUI_DONE=$done
      TUI_TOOK=$(tui_took "$screen" "$done")
      return 0
    fi
    sleep "${BENCH_TUI_POLL:-1}"
  done
  tui_screen
  return 1
}
tui_took() { # tui_took SCREEN N: seconds job #N took, from " in 41.2s" / "1m05s" / "1h02m" on its row
  awk -v n=" #$2 " '
    found && match($0, / in [0-9][0-9.hms]*/) {
      t = substr($0, RSTART + 4, RLENGTH - 4); secs = 0
      if (match(t, /^[0-9]+h/)) { secs += 3600 * substr(t, 1, RLENGTH - 1); t = substr(t, RLENGTH + 1) }
      if (match(t, /^[0-9]+m/)) { secs += 60 * substr(t, 1, RLENGTH - 1); t = substr(t, RLENGTH + 1) }
      if (match(t, /^[0-9.]+s/)) { secs += substr(t, 1, RLENGTH - 1) }
      printf "%.2f\n", secs; exit
    }
    found { exit }
    index($0, n) { found = 1 }' <<<"$1"
}
tui_upload() { # tui_upload ROW BYTES CHECK LOCAL: the upload prompt gets LOCAL, then it is timed
  local row=$1 bytes=$2 check=$3 local=$4
  tui_keys 1
  tui_keys u
  tui_wait "A local file or folder" || { SECS[$row.tui]=FAIL; return; }
  tui_keys -l "$local"
  run "$row" tui "$bytes" "$check" -- tui_go
}
tui_download() { # tui_download ROW BYTES CHECK NAME: filters the bucket's root to NAME, d, timed
  local row=$1 bytes=$2 check=$3 name=$4
  tui_keys 1
  tui_keys Escape
  tui_keys R
  tui_keys /
  tui_keys -l "$name"
  tui_keys Enter
  # The name shows twice: in the filter line and on the folder's row.
  tui_wait "$name" 30 2 || { SECS[$row.tui]=FAIL; return; }
  tui_keys d
  tui_wait "into this local folder" || { SECS[$row.tui]=FAIL; return; }
  run "$row" tui "$bytes" "$check" -- tui_go
}
run_tui() { # run_tui ROUND: every row, as the other tools do them, with fresh names
  local r=$1 set src bytes
  tui_open "$r" || { echo "tui did not start"; return; }
  if [ "$BIG_BYTES" -gt 0 ]; then
    ln -f "$WORK/big/big.bin" "$WORK/tuisrc/screen$r-big.bin"
    tui_upload up1 "$BIG_BYTES" true "$WORK/tuisrc/screen$r-big.bin"
    tui_download down1 "$BIG_BYTES" "cmp $WORK/big/big.bin $WORK/dl/tui$r/screen$r-big.bin" "screen$r-big.bin"
    forget_big "$WORK/dl/tui$r/screen$r-big.bin" "screen$r-big.bin"
  fi
  for set in small mixed; do
    if [ $set = small ]; then src=N bytes=$SMALL_BYTES; else src=M bytes=$MIXED_BYTES; fi
    [ "$bytes" -gt 0 ] || continue
    cp -al "$WORK/$set" "$WORK/tuisrc/screen$r-$set"
    tui_upload "up$src" "$bytes" true "$WORK/tuisrc/screen$r-$set"
    tui_download "down$src" "$bytes" "diff -r $WORK/$set $WORK/dl/tui$r/screen$r-$set" "screen$r-$set/"
  done
  tmux -L "$TUI_SOCK" kill-server 2>/dev/null
}

run_tool() { # run_tool TOOL ROUND: every row of one tool, into fresh names
  local tool=$1 r=$2 set src bytes
  if [ "$tool" = tui ]; then run_tui "$r"; return; fi
  mkdir -p "$WORK/dl/$tool$r"
  local bin=$BIN
  [ "$tool" = base ] && bin=$BASE_BIN
  local R=(rclone --transfers "$THREADS" --checkers "$THREADS" --b2-upload-concurrency "$THREADS"
    --multi-thread-streams "$THREADS")
  [ "$BIG_BYTES" -gt 0 ] && case $tool in
  b2tui | base)
    run up1 $tool $BIG_BYTES true -- "$bin" --endpoint "$URL" cp --threads "$THREADS" \
      "$WORK/big/big.bin" "b2://$BUCKET/$tool$r/big.bin"
    run down1 $tool $BIG_BYTES "cmp $WORK/big/big.bin $WORK/dl/$tool$r/big.bin" -- \
      "$bin" --endpoint "$URL" cp --threads "$THREADS" "b2://$BUCKET/$tool$r/big.bin" "$WORK/dl/$tool$r/big.bin"
    ;;
  rclone)
    run up1 rclone $BIG_BYTES true -- "${R[@]}" copy "$WORK/big" ":b2:$BUCKET/rclone$r"
    run down1 rclone $BIG_BYTES "cmp $WORK/big/big.bin $WORK/dl/rclone$r/big.bin" -- \
      "${R[@]}" copy ":b2:$BUCKET/rclone$r" "$WORK/dl/rclone$r"
    ;;
  b2)
    run up1 b2 $BIG_BYTES true -- b2 file upload --no-progress --threads "$THREADS" \
      "$BUCKET" "$WORK/big/big.bin" b2cli$r/big.bin
    run down1 b2 $BIG_BYTES "cmp $WORK/big/big.bin $WORK/dl/b2$r/big.bin" -- \
      b2 file download --no-progress --threads "$THREADS" "b2://$BUCKET/b2cli$r/big.bin" "$WORK/dl/b2$r/big.bin"
    ;;
  limit)
    run up1 limit $BIG_BYTES true -- python3 "$LIMIT" up "$URL" "$KEY_ID" "$KEY" "$BUCKET" \
      "limit$r/big.bin" "$WORK/big/big.bin" "$WORK/limit-big.json" "$THREADS"
    run down1 limit $BIG_BYTES "cmp $WORK/big/big.bin $WORK/dl/limit$r/big.bin" -- \
      python3 "$LIMIT" down "$URL" "$KEY_ID" "$KEY" "$BUCKET" "limit$r/big.bin" \
      "$WORK/dl/limit$r/big.bin" "$THREADS" "$PART_BYTES" "$WORK/big/big.bin"
    ;;
  esac
  if [ "$BIG_BYTES" -gt 0 ]; then
    local remote=$tool$r/big.bin
    [ "$tool" = b2 ] && remote=b2cli$r/big.bin
    forget_big "$WORK/dl/$tool$r/big.bin" "$remote"
  fi
  for set in small mixed; do
    if [ $set = small ]; then src=N bytes=$SMALL_BYTES; else src=M bytes=$MIXED_BYTES; fi
    [ "$bytes" -gt 0 ] || continue
    local dest="$WORK/dl/$tool$r/$set" name="$tool$r-$set"
    local check="diff -r $WORK/$set $dest"
    case $tool in
    b2tui | base)
      run up$src $tool "$bytes" true -- "$bin" --endpoint "$URL" cp -r --threads "$THREADS" \
        "$WORK/$set" "b2://$BUCKET/$name/"
      run down$src $tool "$bytes" "$check" -- \
        "$bin" --endpoint "$URL" cp -r --threads "$THREADS" "b2://$BUCKET/$name/" "$dest"
      ;;
    rclone)
      run up$src rclone "$bytes" true -- "${R[@]}" copy "$WORK/$set" ":b2:$BUCKET/$name"
      run down$src rclone "$bytes" "$check" -- "${R[@]}" copy ":b2:$BUCKET/$name" "$dest"
      ;;
    b2)
      run up$src b2 "$bytes" true -- b2 sync --no-progress --threads "$THREADS" \
        "$WORK/$set" "b2://$BUCKET/$name"
      run down$src b2 "$bytes" "$check" -- \
        b2 sync --no-progress --threads "$THREADS" "b2://$BUCKET/$name" "$dest"
      ;;
    limit)
      run up$src limit "$bytes" true -- python3 "$LIMIT" up "$URL" "$KEY_ID" "$KEY" "$BUCKET" \
        "$name/" "$WORK/$set" "$WORK/limit-$set.json" "$THREADS"
      run down$src limit "$bytes" "$check" -- python3 "$LIMIT" down "$URL" "$KEY_ID" "$KEY" \
        "$BUCKET" "$name/" "$dest" "$THREADS" 0 "$WORK/$set"
      ;;
    esac
  done
}

# Rounds rotate the order of the tools, and each row keeps a tool's best time: whichever
# tool runs first after a burst of writes would otherwise be favoured by the disk.
echo
echo "== running ($ROUNDS rounds)"
read -r -a ORDER <<<"$TOOLS"
for ((r = 0; r < ROUNDS; r++)); do
  n=${#ORDER[@]}
  for ((i = 0; i < n; i++)); do
    run_tool "${ORDER[$(((i + r) % n))]}" "$r"
  done
done

echo
echo "== results (seconds / MB/s; ratio = b2tui time / fastest other tool, < 1 is faster;"
echo "   limit = b2tui time / limit row: raw HTTP with precomputed SHA-1s;"
echo "   tui/cp = the terminal UI's time / b2tui cp's time)"
uptime
printf "%-30s" "row"
for tool in $TOOLS; do printf "%18s" "$tool"; done
printf "%8s%8s%8s\n" "ratio" "limit" "tui/cp"
rows=""
[ "$BIG_BYTES" -gt 0 ] && rows="up1 down1"
[ "$FILES" -gt 0 ] && rows="$rows upN downN"
[ "$MIXED" -gt 0 ] && rows="$rows upM downM"
for row in $rows; do
  case $row in
  up1) label="upload ${SIZE_MB} MiB x1"; bytes=$BIG_BYTES ;;
  down1) label="download ${SIZE_MB} MiB x1"; bytes=$BIG_BYTES ;;
  upN) label="upload ${FILES} x ${FILE_KB} KiB"; bytes=$SMALL_BYTES ;;
  downN) label="download ${FILES} x ${FILE_KB} KiB"; bytes=$SMALL_BYTES ;;
  upM) label="upload ${MIXED} x 1-64 KiB"; bytes=$MIXED_BYTES ;;
  downM) label="download ${MIXED} x 1-64 KiB"; bytes=$MIXED_BYTES ;;
  esac
  printf "%-30s" "$label"
  best=""
  for tool in $TOOLS; do
    s=${SECS[$row.$tool]:-n/a}
    if [[ $s =~ ^[0-9.]+$ ]]; then
      printf "%18s" "$s s $(mbps "$bytes" "$s")"
      if [ "$tool" != b2tui ] && [ "$tool" != tui ] && [ "$tool" != limit ] && [ "$tool" != base ]; then
        best=$(awk -v a="$best" -v b="$s" 'BEGIN { if (a == "" || b < a) print b; else print a }')
      fi
    else
      printf "%18s" "$s"
    fi
  done
  ours=${SECS[$row.b2tui]:-}
  limit=${SECS[$row.limit]:-}
  ratio=- vs_limit=-
  if [[ $ours =~ ^[0-9.]+$ ]] && [ -n "$best" ]; then
    ratio=$(awk -v a="$ours" -v b="$best" 'BEGIN { printf "%.2f", a / b }')
  fi
  if [[ $ours =~ ^[0-9.]+$ ]] && [[ $limit =~ ^[0-9.]+$ ]]; then
    vs_limit=$(awk -v a="$ours" -v b="$limit" 'BEGIN { printf "%.2f", a / b }')
  fi
  tui=${SECS[$row.tui]:-} vs_cp=-
  if [[ $ours =~ ^[0-9.]+$ ]] && [[ $tui =~ ^[0-9.]+$ ]]; then
    vs_cp=$(awk -v a="$tui" -v b="$ours" 'BEGIN { printf "%.2f", a / b }')
  fi
  printf "%8s%8s%8s\n" "$ratio" "$vs_limit" "$vs_cp"
done
