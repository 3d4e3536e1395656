#!/usr/bin/env bash
# Runs the lifecycle and speed benchmarks in one go, about 5 minutes on 2 cores after the build,
# and prints a side-by-side summary with ratios and targets:
#
#   1. per-execution overhead of the platform over a raw Chicory call of echo, and where the time goes (JMH)
#   2. SHA-256 of 1 MiB: platform vs bare compiled Chicory vs Chicory's interpreter (JMH) vs V8 (Node)
#   3. load time on a started platform, cold (empty compile cache) and warm (a restart: compile cache on
#      disk), one fresh JVM per run; and, for reference, as the very first thing a fresh JVM does
#   4. echo throughput with 1 and 2 concurrent callers (JMH, and ScalingTimer: platform and raw Chicory
#      alternating in one JVM, the ratio the target is read from)
#   5. heap per idle loaded plugin
#
#   benchmarks/run-lifecycle.sh            build if needed, then run everything
#   WARM_RUNS=9 benchmarks/run-lifecycle.sh   more warm-load JVMs (default 4; COLD_RUNS, default 3)
#   NO_BUILD=1 benchmarks/run-lifecycle.sh     use the jar as it is, even if sources changed since
#
# Results: benchmarks/target/lifecycle/ (JMH JSON, JSON lines, summary.md). docs/benchmarks.md explains them.
# The figures are only as quiet as the machine: run it with nothing else busy (see the load average printed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
out="$here/target/lifecycle"
examples="$root/examples"
warm_runs="${WARM_RUNS:-4}"
cold_runs="${COLD_RUNS:-3}"
# The generated code of a plugin takes the JIT several seconds to settle on 2 cores (C2 compiling the
# module's big generated classes competes with the benchmark): 8 warm-up seconds for whole executions; the
# small parts settle faster.
jmh_opts=(-wi 8 -i 4 -w 1s -r 1s -f 1)
parts_opts=(-wi 2 -i 3 -w 1s -r 1s -f 1)

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$here/src" "$root/bundles/runtime/src/main" "$root/bundles/api/src/main" \
    "$root/bundles/manifest/src/main" "$root/bundles/trust/src/main" "$root/bundles/verifier-ed25519/src/main" \
    -newer "$jar" -type f -print -quit)" ]
}

if [ -z "${NO_BUILD:-}" ] && stale; then
  echo "Building the benchmarks jar..."
  (cd "$root" && mvn -q install -pl benchmarks -am -DskipTests)
fi
[ -f "$examples/sha256/plugin.wasm" ] || { echo "examples/sha256/plugin.wasm is missing: run examples/build.sh" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))," \
       "$(java -version 2>&1 | head -1), $(command -v node >/dev/null && node --version || echo 'no node')."
  echo "Load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$out/environment.txt"

jmh() {
  local results="$1"; shift
  java -jar "$jar" "$@" -rf json -rff "$out/$results" -jvmArgsAppend "-Dfluent.examples.dir=$examples"
}

echo "== 1. per-execution overhead: platform vs raw Chicory"
overhead='dev\.fluent\.plugin\.benchmarks\.runtime\.ExecutionOverheadBenchmark\.'
whole='(platform|platformNoopSink|raw|rawOnPluginMemory|instanceCallAndReset)$'
jmh overhead.json "$overhead$whole" "${jmh_opts[@]}"
echo "== 1. where the time goes: the parts"
jmh overhead-parts.json "$overhead" -e "$overhead$whole" "${parts_opts[@]}"

echo "== 4. throughput, 1 and 2 callers"
jmh throughput.json 'dev\.fluent\.plugin\.benchmarks\.runtime\.ThroughputBenchmark\.' "${jmh_opts[@]}"

echo "== 4. throughput, 1 and 2 callers, platform and raw side by side in one JVM"
java -cp "$jar" -Dfluent.examples.dir="$examples" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  dev.fluent.plugin.benchmarks.runtime.ScalingTimer "${SCALING_ROUNDS:-10}" | tee "$out/scaling.jsonl"

echo "== 4. the registry's shared state under two callers"
jmh shared.json 'dev\.fluent\.plugin\.benchmarks\.runtime\.SharedStateBenchmark\.' "${parts_opts[@]}"

echo "== 2. SHA-256 of 1 MiB: platform and bare compiled Chicory"
jmh sha256.json 'dev\.fluent\.plugin\.benchmarks\.runtime\.Sha256Benchmark\.(platform|rawCompiled)$' "${jmh_opts[@]}"

echo "== 2. SHA-256 of 1 MiB: Chicory's interpreter (single shots)"
jmh interpreter.json 'dev\.fluent\.plugin\.benchmarks\.runtime\.Sha256Benchmark\.interpreter$' -bm ss -tu ms -wi 1 -i 2 -f 1

echo "== 2. SHA-256 of 1 MiB: V8"
if command -v node >/dev/null; then
  node "$here/node/sha256-bench.mjs" "$examples/sha256" | tee "$out/node-sha256.json"
else
  echo "node not found: V8 comparison skipped"
fi

echo "== 3. load, cold and warm, one fresh JVM per run"
load_timer() {
  java -cp "$jar" -Dfluent.examples.dir="$examples" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    dev.fluent.plugin.benchmarks.runtime.LoadTimer "$@"
}
# On a started platform (--started: the Ed25519 verifier's known-answer test and the runtime's self-test
# have run, as when the container starts): what plugin:load, the deployer or a restart's restore costs.
# Each JVM loads two plugins, in both orders, so each plugin is measured first and second. Cold: a fresh
# data folder per run (empty compile cache); warm: restarts on the last one (compile cache on disk).
for pair in "echo sha256" "sha256 echo"; do
  read -r first second <<< "$pair"
  for _ in $(seq "$cold_runs"); do
    data="$out/data-$first"
    rm -rf "$data"
    load_timer --started --label cold --data "$data" "$examples/$first" "$examples/$second" | tee -a "$out/load.jsonl"
  done
  for _ in $(seq "$warm_runs"); do
    load_timer --started --label warm --data "$data" "$examples/$first" "$examples/$second" | tee -a "$out/load.jsonl"
  done
  # The steps of one load one by one, to see where the time goes.
  load_timer --started --breakdown --label cold --data "$out/breakdown-$first" "$examples/$first" | tee -a "$out/load-breakdown.jsonl"
  load_timer --started --breakdown --label warm --data "$out/breakdown-$first" "$examples/$first" | tee -a "$out/load-breakdown.jsonl"
done
# For reference, the worst case: the load as the very first thing a fresh JVM does, nothing warmed up.
data="$out/data-fresh"
load_timer --label cold --data "$data" "$examples/echo" "$examples/sha256" | tee -a "$out/load.jsonl"
for _ in $(seq "$warm_runs"); do
  load_timer --label warm --data "$data" "$examples/echo" "$examples/sha256" | tee -a "$out/load.jsonl"
done

echo "== 5. heap per idle loaded plugin"
java -cp "$jar" -Dfluent.examples.dir="$examples" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  dev.fluent.plugin.benchmarks.runtime.HeapPerPlugin 50 | tee "$out/heap.json"

echo "Load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$out/environment.txt"
echo
echo "== Summary (also in $out/summary.md)"
java -cp "$jar" dev.fluent.plugin.benchmarks.runtime.LifecycleReport "$out"
