#!/usr/bin/env bash
# Huge-folder timings: the `/` filter over 1,000,000 loaded names (time per keystroke,
# each keystroke narrowing the last, then a full scan), and the list calls a jump and the
# seeks make on a 30,000-name folder of the local B2. Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_PROFILE_DEV_DEBUG=0
cargo test --release --test huge_folder -- --include-ignored --nocapture --test-threads 1 2>&1 |
    grep -E "^(filter|seek)|test result"
