#!/usr/bin/env node
// Times the sha256 example plugin on Node's V8, the speed reference for the
// platform's compiled Chicory (docs/benchmarks.md, "Lifecycle and speed").
//
//   node benchmarks/node/sha256-bench.mjs [plugin-folder] [bytes] [warmup] [iterations]
//
// Defaults: examples/sha256, 1048576 bytes, 50 warm-up calls (V8 tiers up from
// Liftoff to TurboFan meanwhile), 100 timed calls.
// One instance, reused; each call is a whole ABI v1 execution: fluent_alloc,
// write the request JSON, execute_request, read the response frame. WASI is
// stubbed (the plugin calls none of it while hashing). Prints one line of JSON
// with the median, minimum and maximum in milliseconds.

import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const folder = process.argv[2] ?? join(here, '..', '..', 'examples', 'sha256');
const bytes = process.argv[3] ?? '1048576';
const warmup = Number(process.argv[4] ?? 50);
const iterations = Number(process.argv[5] ?? 100);
const EXPECTED_1MIB = '06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286';

const module = await WebAssembly.compile(readFileSync(join(folder, 'plugin.wasm')));
const stubs = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') throw new Error(`unexpected import ${imp.module}.${imp.name}`);
  (stubs[imp.module] ??= {})[imp.name] = () => 0;
}
const instance = await WebAssembly.instantiate(module, stubs);
const ex = instance.exports;

const request = new TextEncoder().encode(JSON.stringify({ flowname: null, payload: bytes, request_id: 'bench-1' }));
const decoder = new TextDecoder('utf-8', { fatal: true });

function call() {
  const ptr = ex.fluent_alloc(request.length) >>> 0;
  new Uint8Array(ex.memory.buffer).set(request, ptr);
  const frame = ex.execute_request(ptr, request.length) >>> 0;
  const length = new DataView(ex.memory.buffer).getUint32(frame, true);
  return new Uint8Array(ex.memory.buffer, frame + 4, length).slice();
}

const first = JSON.parse(decoder.decode(call()));
if (bytes === '1048576' && first.content !== EXPECTED_1MIB) {
  throw new Error(`wrong digest: ${JSON.stringify(first)}`);
}
for (let i = 0; i < warmup; i++) call();
const times = [];
for (let i = 0; i < iterations; i++) {
  const started = process.hrtime.bigint();
  call();
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2]
  : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
console.log(JSON.stringify({
  engine: `V8 ${process.versions.v8} (Node ${process.version})`, bytes: Number(bytes), iterations,
  median_ms: +median.toFixed(3), min_ms: +times[0].toFixed(3), max_ms: +times[times.length - 1].toFixed(3),
}));
