#!/usr/bin/env bash
# Runs gpu-scheduler's GpuMachineTest on a machine with an NVIDIA GPU and no Java or Maven: the inventory read from
# the real nvidia-smi, CUDA_VISIBLE_DEVICES isolation through the real LocalExecutor (PyTorch jobs), and two
# half-GPU jobs at once. NvidiaSmiTest runs too: it loads the same classes, so a classpath that lacks one shows there.
# Where there is no GPU the test is skipped and the script still exits 0.
#
# It needs, under $GPU_CHECK_DIR (default .gpu-check, relative to the repository root), what a machine with Java and
# Maven prepares:
#   classes/ test-classes/   services/gpu-scheduler/target/{classes,test-classes} (mvn -pl services/gpu-scheduler -am test-compile)
#   schemas-classes/         schemas/target/classes
#   lib/*.jar                jboss-logging, jakarta annotation/inject/cdi API, junit-platform-console-standalone (the project's JUnit)
#   jre/                     optional: a jlinked JRE 17 (java.base,java.logging,java.xml,jdk.jfr,jdk.unsupported,java.management);
#                            else the java on the PATH
# What it prints and the JUnit XML report go to $OUT (default $GPU_CHECK_DIR/out).
# SPILLWAY_EXPECT_GPU (default H200) and SPILLWAY_EXPECT_GPU_MIN_MIB (default 100000) say which GPU the machine must
# have; set them empty to accept any.
set -uo pipefail

dir=${GPU_CHECK_DIR:-.gpu-check}
out=${OUT:-$dir/out}
mkdir -p "$out"
export SPILLWAY_EXPECT_GPU=${SPILLWAY_EXPECT_GPU-H200}
export SPILLWAY_EXPECT_GPU_MIN_MIB=${SPILLWAY_EXPECT_GPU_MIN_MIB-100000}

{
  echo "== $(date -u +%FT%TZ) on $(uname -m), $(nproc) cores"
  if command -v nvidia-smi >/dev/null; then
    echo "== nvidia-smi -L"; nvidia-smi -L
    echo "== nvidia-smi --query-gpu=index,memory.total,name --format=csv,noheader,nounits"
    nvidia-smi --query-gpu=index,memory.total,name --format=csv,noheader,nounits | tee "$out/nvidia-smi-query.txt"
    echo "== nvidia-smi --query-gpu=index,uuid,driver_version,compute_mode --format=csv"
    nvidia-smi --query-gpu=index,uuid,driver_version,compute_mode --format=csv
    echo "== nvidia-smi"; nvidia-smi
  else
    echo "== no nvidia-smi on the PATH"
  fi
  echo "== python3: $(command -v python3 || echo none)"
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "devices", torch.cuda.device_count())' 2>&1 | tail -1
} 2>&1 | tee "$out/machine.txt"

java=java
[ -x "$dir/jre/bin/java" ] && java=$dir/jre/bin/java
launcher=$(ls "$dir"/lib/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)
if [ -z "$launcher" ] || ! "$java" -version >/dev/null 2>&1; then
  echo "gpu-check: no JUnit console launcher under $dir/lib or no java ($java): prepare $dir first" >&2
  exit 2
fi
cp="$dir/test-classes:$dir/classes:$dir/schemas-classes"
for jar in "$dir"/lib/*.jar; do
  [ "$jar" = "$launcher" ] || cp="$cp:$jar"
done

echo "== GpuMachineTest, NvidiaSmiTest (java: $("$java" -version 2>&1 | head -1))"
started=$(date +%s)
"$java" -jar "$launcher" execute --disable-banner --disable-ansi-colors --details=tree --include-engine=junit-jupiter --class-path "$cp" \
  --select-class io.spillway.scheduler.inventory.GpuMachineTest \
  --select-class io.spillway.scheduler.inventory.NvidiaSmiTest \
  --reports-dir "$out/reports" 2>&1 | tee "$out/console.log"
rc=${PIPESTATUS[0]}
echo "== JUnit exit code $rc after $(( $(date +%s) - started )) s" | tee -a "$out/console.log"
exit "$rc"
