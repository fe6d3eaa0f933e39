#!/usr/bin/env bash
# The long run of the property tests (tests/proptest_*.rs): every target with
# PROPTEST_CASES cases (default 1,000,000), one at a time, in a release build; prints
# the time and cases per second of each target and stops at the first failure (the
# failing input is printed by the test).
#
# A target's cases run in chunks of FUZZ_CHUNK (default 20,000), each chunk a process of
# its own with a fresh local B2 and its own random seed: the local B2 of a target keeps
# what every case created, so in one long process later cases list ever more names
# (a prefix listing reads each hidden name under it) and the run slows down without end.
#
#   scripts/fuzz-long.sh                     # every target, 1,000,000 cases each
#   PROPTEST_CASES=50000 scripts/fuzz-long.sh range_headers upload_headers
#
# Uses $CARGO_TARGET_DIR when set.
set -euo pipefail
cd "$(dirname "$0")/.."

cases=${PROPTEST_CASES:-1000000}
chunk=${FUZZ_CHUNK:-20000}
declare -A file_of=(
  [json_bodies_of_recorded_calls]=proptest_local_b2
  [upload_headers]=proptest_local_b2
  [percent_encoded_names_round_trip]=proptest_local_b2
  [range_headers]=proptest_local_b2
  [file_names_and_query_strings]=proptest_local_b2
  [answer_types_decode_changed_bodies]=proptest_client
  [client_calls_read_changed_answers]=proptest_client
  [authorization_answers]=proptest_client
  [name_decoding]=proptest_client
)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(json_bodies_of_recorded_calls upload_headers percent_encoded_names_round_trip
           range_headers file_names_and_query_strings answer_types_decode_changed_bodies
           client_calls_read_changed_answers authorization_answers name_decoding)
fi
for t in "${targets[@]}"; do
  if [ -z "${file_of[$t]:-}" ]; then
    echo "fuzz-long: unknown target $t (known: ${!file_of[*]})" >&2
    exit 2
  fi
done

cargo test --release --no-run --test proptest_local_b2 --test proptest_client >/dev/null 2>&1 \
  || cargo test --release --no-run --test proptest_local_b2 --test proptest_client

for t in "${targets[@]}"; do
  start=$(date +%s.%N)
  done_cases=0
  while [ "$done_cases" -lt "$cases" ]; do
    n=$((cases - done_cases < chunk ? cases - done_cases : chunk))
    PROPTEST_CASES=$n cargo test --release --quiet --test "${file_of[$t]}" -- \
      --exact "$t" --test-threads 1 >"/tmp/fuzz-long-$t.log" 2>&1 || {
        echo "fuzz-long: $t FAILED after $done_cases cases and" \
          "$(awk "BEGIN{print $(date +%s.%N)-$start}") s; log:"
        cat "/tmp/fuzz-long-$t.log"
        exit 1
      }
    done_cases=$((done_cases + n))
  done
  secs=$(awk "BEGIN{print $(date +%s.%N)-$start}")
  awk -v t="$t" -v n="$cases" -v s="$secs" \
    'BEGIN{printf "%-38s %9d cases  %8.1f s  %8.0f cases/s  ok\n", t, n, s, n/s}'
done
