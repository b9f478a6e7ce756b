#!/usr/bin/env bash
# Time to the first burst job, by phase, per dataset size, and the same for a second burst after a small change
# (issue 6, point 8; results in docs/benchmarks.md). Not part of CI: it runs the local stack and `spillway demo`
# twice per size, and at 4096 MiB writes 4 GiB of data plus its copies in the object store and at cloud.
#
#   bench/burst-timing.sh                 # 100, 1024 and 4096 MiB
#   bench/burst-timing.sh 100 1024        # chosen sizes, in MiB
#
# Each size gets a fresh filesystem (burst-timing-<size>m-<run>), so its first burst starts from a full snapshot; the
# second run rewrites CHANGE_PERCENT of its bytes in place first, so only the delta is snapshotted. Every job mounts
# only its shard (SHARDS directories), so the burst has to bring online only what the chosen jobs read.
# A first, unrecorded 16 MiB demo warms the freshly started services.
# Environment: JOBS (16: more than 12 overflow onprem), SHARDS (= JOBS), CHANGE_PERCENT (1), JOB_SECONDS (10),
# TIMEOUT (1800 s per demo), OUT (.spillway/bench/burst-timing). The stack is started and stopped by the script.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a sizes <<<"${*:-100 1024 4096}"
jobs=${JOBS:-16}
shards=${SHARDS:-$jobs}
change=${CHANGE_PERCENT:-1}
job_seconds=${JOB_SECONDS:-10}
timeout=${TIMEOUT:-1800}
out=${OUT:-.spillway/bench/burst-timing}
run=$(date +%s)
mkdir -p "$out"

bin/spillway up
trap 'bin/spillway down >/dev/null 2>&1 || true' EXIT

demo() { # size label extra-args...
  local size=$1 label=$2
  shift 2
  echo "== ${size} MiB, ${label} burst =="
  bin/spillway demo --dataset "burst-timing-${size}m-${run}" --dataset-mib "$size" --jobs "$jobs" \
    --shards "$shards" --job-seconds "$job_seconds" --timeout "$timeout" --keep \
    --timing-json "$out/${size}-${label}.json" "$@" | tail -n 20 ||
    echo "(the demo exited non-zero: its row says NOT OK or is missing)"
}

# A platform that runs has warm services; one just started has eight JVMs still compiling. An unrecorded 16 MiB
# demo first, so the first size is not also the measure of a cold start.
echo "== warm-up: 16 MiB, not recorded =="
bin/spillway demo --dataset "burst-timing-warmup-${run}" --dataset-mib 16 --jobs "$jobs" --shards "$shards" \
  --job-seconds 5 --timeout "$timeout" --keep >/dev/null 2>&1 || echo "(the warm-up demo exited non-zero)"

for size in "${sizes[@]}"; do
  demo "$size" first
  demo "$size" second --change-percent "$change"
done

echo
echo "Time to the first burst job at cloud, by phase ($jobs jobs, one of $shards shards each; seconds):"
echo
echo "| dataset | burst | uploaded | deciding | snapshot | restore until its data is online | reroute | start | **first job running** | whole restore | demo |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for size in "${sizes[@]}"; do
  for label in first second; do
    [ -f "$out/${size}-${label}.json" ] || { echo "| ${size} MiB | ${label} | no result | | | | | | | | failed |"; continue; }
    jq -r --arg which "$label" '
      def s: if . == null then "?" else (. * 10 | round / 10 | tostring) end;
      def human: if . >= 1073741824 then "\(. / 1073741824 * 100 | round / 100) GiB"
                elif . >= 1048576 then "\(. / 1048576 * 10 | round / 10) MiB"
                else "\(. / 1024 | round) KiB" end;
      "| \(.datasetMib) MiB | \($which)\(if .changePercent > 0 then " (\(.changePercent)% changed)" else "" end) | "
      + (if .timing == null then "no burst job | | | | | | | |"
         else "\(.timing.bytesUploaded | human) | \(.timing.decidingSeconds | s) | \(.timing.snapshotSeconds | s) | "
           + "\(.timing.restoreSeconds | s) | \(.timing.rerouteSeconds | s) | \(.timing.startSeconds | s) | "
           + "**\(.timing.firstJobSeconds | s)** | \(.timing.fullRestoreSeconds | s) |" end)
      + " \(if .succeeded then "OK" else "NOT OK" end) |"' "$out/${size}-${label}.json"
  done
done
