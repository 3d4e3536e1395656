#!/usr/bin/env bash
# The compute kernels side by side (docs/benchmarks.md, "Compute kernels"): for each kernel, the platform,
# raw Chicory and V8 (Node) in one run, rounds interleaved, medians of the per-call times and of the
# per-round ratios; and each kernel's first execution after its load on the platform.
#
#   benchmarks/run-kernels.sh                      with the distribution's JVM options (bin/setenv)
#   JVM_OPTS=-XX:+DontCompileHugeMethods benchmarks/run-kernels.sh   HotSpot's default instead
#   ROUNDS=15 WARMUP=8 benchmarks/run-kernels.sh sha256 matmul          more rounds, some kernels only
#   NO_BUILD=1 benchmarks/run-kernels.sh           use the jar as it is
#
# Needs Node 20 on the PATH and the kernels' plugin.wasm (committed; benchmarks/kernels/build.sh rebuilds
# them, examples/build.sh the sha256 example). Results: benchmarks/target/kernels/ (kernels.md, kernels.jsonl,
# environment.txt). The figures are only as quiet as the machine: the load average is recorded.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
out="$here/target/kernels"
jvm_opts="${JVM_OPTS:--XX:-DontCompileHugeMethods}"

command -v node >/dev/null || { echo "run-kernels.sh: node not found (Node 20 is the V8 reference)" >&2; exit 1; }
if [ -z "${NO_BUILD:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find "$here/src" "$root/bundles/runtime/src/main" \
    -newer "$jar" -type f -print -quit)" ]; }; then
  echo "Building the benchmarks jar..."
  (cd "$root" && mvn -q install -pl benchmarks -am -DskipTests)
fi

mkdir -p "$out"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"\
       "$(java -version 2>&1 | head -1), node $(node --version), JVM options: $jvm_opts."
  echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$out/environment.txt"
# shellcheck disable=SC2086
java $jvm_opts -Dfluent.examples.dir="$root/examples" -cp "$jar" \
  dev.fluent.plugin.benchmarks.runtime.KernelComparison "$out" "${ROUNDS:-9}" "${WARMUP:-6}" "$@"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$out/environment.txt"
cat "$out/environment.txt"
