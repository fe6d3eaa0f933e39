#!/usr/bin/env bash
# End-to-end with a key restricted to one bucket and a name prefix (what backup tools tell
# people to create): runs `b2tui serve` with the demo data, creates such a key through the
# API, and drives the real binary with it in a private tmux server: it opens at the
# prefix, cannot go above it, marks what the key cannot do, and refuses a path outside it.
# Usage: scripts/smoke-prefix-key.sh [path/to/b2tui]
set -euo pipefail
BIN=${1:-target/release/b2tui}
SUITE=prefix-key
# shellcheck source=scripts/tmux-lib.sh
source "$(dirname "$0")/tmux-lib.sh"
start_serve --seed-demo

# A read-only key for demo-photos, names under trips/ only, without listBuckets.
read -r KEY_ID KEY < <(python3 - "$URL" "$MASTER_ID" "$MASTER_KEY" <<'PY'
import base64, json, sys, urllib.request
url, kid, key = sys.argv[1:4]
auth = base64.b64encode(f"{kid}:{key}".encode()).decode()
req = urllib.request.Request(f"{url}/b2api/v3/b2_authorize_account",
                             headers={"Authorization": f"Basic {auth}"})
a = json.load(urllib.request.urlopen(req))
def call(name, body):
    r = urllib.request.Request(f"{url}/b2api/v3/{name}", data=json.dumps(body).encode(),
                               headers={"Authorization": a["authorizationToken"]})
    return json.load(urllib.request.urlopen(r))
b = call("b2_list_buckets", {"accountId": a["accountId"], "bucketName": "demo-photos"})
k = call("b2_create_key", {"accountId": a["accountId"], "keyName": "trips-reader",
                           "capabilities": ["listFiles", "readFiles"],
                           "bucketId": b["buckets"][0]["bucketId"], "namePrefix": "trips/"})
print(k["applicationKeyId"], k["applicationKey"])
PY
)
step "a prefix-restricted key is created" test -n "$KEY"

# Two profiles: the restricted key (started with) and the master key (switched to).
CONFIG_HOME=$(mktemp -d)
CLEANUP+=("$CONFIG_HOME")
mkdir -p "$CONFIG_HOME/b2tui"
cat >"$CONFIG_HOME/b2tui/config.toml" <<TOML
[profiles.trips]
key_id = "$KEY_ID"
key = "$KEY"
endpoint = "$URL"

[profiles.admin]
key_id = "$MASTER_ID"
key_command = "echo $MASTER_KEY"
endpoint = "$URL"
TOML
chmod 600 "$CONFIG_HOME/b2tui/config.toml"

tmux -L "$SOCK" -f /dev/null new-session -d -s "$SESSION" -x 120 -y 36 -c "$PWD" \
  "env -u B2_APPLICATION_KEY_ID -u B2_APPLICATION_KEY XDG_CONFIG_HOME=$CONFIG_HOME $BIN --profile trips --deterministic; echo b2tui-exited-\$?; sleep 30"

step "the only bucket opens at the key's prefix" wait_for "b2://demo-photos/trips/" 30
step "the header names the profile" wait_for "profile trips"
step "the prefix's folders are listed" wait_for "2025/"
step "the footer marks what the key cannot do" wait_for "(needs writeFiles)"
keys l
step "a subfolder opens" wait_for "b2://demo-photos/trips/2024/"
keys h
step "up returns to the prefix" wait_gone "b2://demo-photos/trips/2024/"
keys h
step "up again stays at the prefix, in the buckets pane" wait_for "new bucket (needs writeBuckets)"
keys l
step "opening the bucket again lands at the prefix" wait_for "upload (needs writeFiles)"
keys u
step "u is refused before anything starts, naming the capability" wait_for "cannot upload: it lacks the writeFiles"
keys Escape
step "the dialog closes" wait_gone "cannot upload: it lacks"
keys :
step ": opens the go-to prompt" wait_for "Go to"
PREFILLED="b2://demo-photos/trips/"
for _ in $(seq 1 ${#PREFILLED}); do keys BSpace; done
keys -l "b2://demo-photos/docs/"
keys Enter
step "a path outside the prefix is refused with the way in" wait_for "only sees names starting with trips/"
keys Escape
keys P
step "P lists the profiles" wait_for "Switch profile"
keys k Enter
step "switching to the admin profile authorizes with it" wait_for "Switched to profile admin"
step "the admin key sees every bucket" wait_for "demo-backups"
step "the header names the new profile" wait_for "profile admin"
keys q
step "q quits with status 0" wait_for "b2tui-exited-0"
summary
