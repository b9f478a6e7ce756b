#!/usr/bin/env bash
# Spillway's snap-to-object against restic and rclone on one generated dataset and one s3proxy
# (io.spillway.bench.snapshot.SnapshotVsRestic; see bench/README.md). Not part of CI (.ci/run does not call it):
# at scale 1 it writes about 2 GiB of data, three copies of it to s3proxy, and takes tens of minutes on 2 cores.
#
#   bench/snapshot-vs-restic.sh --scale 0.05        # smoke run, about 2 minutes
#   bench/snapshot-vs-restic.sh                     # the full run, results in $WORK/results.md
#
# Options after the script name go to SnapshotVsRestic: --scale, --seed, --work DIR, --out FILE.
# MVN_ARGS adds Maven options (e.g. MVN_ARGS="-o -Dmaven.repo.local=/path/to/m2").
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v restic >/dev/null || missing+=(restic)
command -v rclone >/dev/null || missing+=(rclone)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Missing: ${missing[*]}. Install them first, e.g. on Debian/Ubuntu: sudo apt-get install -y ${missing[*]}" >&2
  echo "(measured with restic 0.14.0 and rclone 1.60.1, the Debian 12 packages)" >&2
  exit 3
fi
echo "restic: $(restic version | head -1)"
echo "rclone: $(rclone version | head -1)"

# shellcheck disable=SC2086
mvn -B -q ${MVN_ARGS:-} -pl bench -am package -DskipTests
exec java -cp bench/target/benchmarks.jar io.spillway.bench.snapshot.SnapshotVsRestic "$@"
