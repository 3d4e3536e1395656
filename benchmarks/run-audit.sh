#!/usr/bin/env bash
# Runs the audit log benchmarks briefly (about 75 s after the build): append latency on the caller's
# thread (sample mode, percentiles) and the writer's sustained throughput to local disk.
#
#   benchmarks/run-audit.sh                 build if needed, then run
#   AUDIT_BENCH_DIR=/mnt/disk benchmarks/run-audit.sh   write the logs on another disk (default: java.io.tmpdir)
#   benchmarks/run-audit.sh -i 5 -r 10s     extra arguments go to JMH
#
# Results: printed, and as JSON in benchmarks/target/audit-results.json. docs/benchmarks.md explains them.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"

stale() {
  [ ! -f "$jar" ] && return 0
  [ -n "$(find "$here/src" "$root/bundles/audit/src/main" "$root/bundles/api/src/main" -newer "$jar" -type f -print -quit)" ]
}

if stale; then
  echo "Building the benchmarks jar..."
  (cd "$root" && mvn -q install -pl benchmarks -am -DskipTests)
fi

jvm_args=()
if [ -n "${AUDIT_BENCH_DIR:-}" ]; then
  mkdir -p "$AUDIT_BENCH_DIR"
  jvm_args=(-jvmArgsAppend "-Djava.io.tmpdir=$AUDIT_BENCH_DIR")
fi

exec java -jar "$jar" 'dev\.fluent\.plugin\.benchmarks\.audit\.Audit.*Benchmark' \
  -rf json -rff "$here/target/audit-results.json" "${jvm_args[@]}" "$@"
