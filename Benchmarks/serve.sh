#!/usr/bin/env bash
# The server benchmarks (release build, static), over loopback on this machine:
#   - a small read command (lead member list) with 1, 4 and 16 connections: requests/s, p50, p99
#     (target: >= 20,000 requests/s with 16 connections)
#   - a log append (annotator guidelines ack: every connection appends to the same log) with 1,
#     4 and 16 connections; with 16, in turn with the disk's raw write+fsync rate for ROUNDS
#     rounds, and the medians' ratio (target: at least the fsync rate; group commit is the way
#     past it). In turn, because this machine is shared: its speed drifts within minutes.
#   - ping (no command) with 16 connections: what the server's framing and log line cost alone
#   - the same read with the response cache off (--cache-megabytes 0), 16 connections: what a
#     read costs when it runs (a read whose files changed since its last run costs this)
# Usage: Benchmarks/serve.sh [SECONDS [ROUNDS]]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-5}

swift build -c release --static-swift-stdlib --product mlw --build-path .build/static >/dev/null
swift build -c release --product mlw-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
mlw=$(swift build -c release --static-swift-stdlib --build-path .build/static --show-bin-path)/mlw

work=$(mktemp -d "${TMPDIR:-/tmp}/mlw-serve-XXXXXX")
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
root="$work/root"
token() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
lead=$("$mlw" init bench --lead ana --root "$root" --json | token)
"$mlw" lead member add mia --role manager --root "$root" -w bench --as ana >/dev/null
tokens=""
for n in $(seq -w 1 16); do
  # A new member gets an invitation; the person redeems it for their own token.
  "$mlw" lead member add "ann$n" --role annotator --root "$root" -w bench --as ana >/dev/null
  t=$("$mlw" token rotate --root "$root" --as "ann$n" --json | token)
  tokens="$tokens${tokens:+,}$t"
done
"$mlw" manager schema set --task single-label --label "ok=fine" --label "bad=defect" --root "$root" -w bench --as mia >/dev/null
"$mlw" manager guidelines set --summary "s" --message "v1" --root "$root" -w bench --as mia >/dev/null

"$mlw" serve --root "$root" --port 0 > "$work/out" 2> "$work/log" & echo $! > "$work/pid"
while ! grep -q listening "$work/out"; do sleep 0.1; done
port=$(grep -o ':[0-9]*,' "$work/out" | tr -d ':,')

# One load run, followed by the server's CPU time per request (user + system, from /proc; not
# affected by other processes) and the share of the machine's time stolen by its host during the
# run (a shared VM: when that is high, requests/s say more about the host than about mlw).
server=$(cat "$work/pid")
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
steal() { awk '/^cpu / {print $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9}' /proc/stat; }
measure() {
  local before stolen out after n
  before=$(cpu); stolen=$(steal)
  out=$("$bin/mlw-bench" load "$port" "$1" "$seconds" "$2" "$3")
  after=$(cpu)
  n=$(echo "$out" | sed -n 's/.*(\([0-9]*\) requests.*/\1/p')
  echo "$out   server CPU $(( (after - before) * 10000000 / n / 1000 )) µs/request, steal $(steal | awk -v s="$stolen" '{split(s, b, " "); printf "%d", 100 * ($1 - b[1]) / ($2 - b[2] + 1)}')%"
}

echo "== the server alone: ping (no command), the ceiling the command path adds to"
measure 16 "$lead" "ping"
echo "== a small read command: lead member list (target: >= 20,000 requests/s with 16 connections)"
for c in 1 4 16; do measure "$c" "$lead" "lead member list -w bench"; done
echo
echo "== a log append: annotator guidelines ack, every connection to the same log"
for c in 1 4; do measure "$c" "$tokens" "annotator guidelines ack -w bench"; done
echo "== 16 connections appending against the disk's raw write+fsync rate (one process), measured in"
echo "   turn, $rounds rounds; the medians and their ratio (target: appends >= the raw fsync rate)"
raws=(); rates=()
for round in $(seq 1 "$rounds"); do
  raw=$("$bin/mlw-bench" fsync "$work/appends" "$seconds" | awk '{print $3}')
  line=$(measure 16 "$tokens" "annotator guidelines ack -w bench")
  echo "raw write+fsync $(printf '%6d' "$raw") /s   appends:$line"
  raws+=("$raw"); rates+=("$(echo "$line" | awk '{print $3}')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
rawMedian=$(median "${raws[@]}"); rateMedian=$(median "${rates[@]}")
echo "median: appends $rateMedian /s, raw write+fsync $rawMedian /s, ratio $(awk -v a="$rateMedian" -v r="$rawMedian" 'BEGIN {printf "%.2f", a / r}')"
events=$(($(wc -l < "$root/bench/guidelines/acks.jsonl") - 1))
echo "acknowledgements stored: $events"
kill -TERM "$(cat "$work/pid")"; wait "$(cat "$work/pid")" 2>/dev/null || true

echo
echo "== the read with the response cache off (every request runs the command)"
"$mlw" serve --root "$root" --port 0 --cache-megabytes 0 > "$work/out" 2> "$work/log" & echo $! > "$work/pid"
while ! grep -q listening "$work/out"; do sleep 0.1; done
port=$(grep -o ':[0-9]*,' "$work/out" | tr -d ':,')
server=$(cat "$work/pid")
measure 16 "$lead" "lead member list -w bench"
kill -TERM "$(cat "$work/pid")"; wait "$(cat "$work/pid")" 2>/dev/null || true
