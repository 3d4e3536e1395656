#!/usr/bin/env node
// V8's side of the kernel comparison (KernelComparison in benchmarks/src, docs/benchmarks.md,
// "Compute kernels"): runs one plugin folder's module on Node and answers a line protocol on
// standard input and output, so that the Java harness can interleave V8 with the platform and
// raw Chicory, round by round.
//
//   node benchmarks/node/kernel-server.mjs <plugin-folder> <payload>
//
// Prints the first call's response content on one line, then for each line "run N" on its
// input makes N calls and prints the mean milliseconds per call. Each call is a whole ABI v1
// execution: fluent_alloc, write the request JSON, execute_request, read and decode the response
// frame, and check that its content is the first call's. One instance, reused (V8 keeps its
// memory between calls; the kernels start each call from a clean state themselves). WASI is
// stubbed: the kernels call none of it while computing.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [folder, payload] = process.argv.slice(2);
if (!folder || payload === undefined) {
  console.error('usage: kernel-server.mjs <plugin-folder> <payload>');
  process.exit(1);
}

const module = await WebAssembly.compile(readFileSync(join(folder, 'plugin.wasm')));
const stubs = {};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.kind !== 'function') throw new Error(`unexpected import ${imp.module}.${imp.name}`);
  (stubs[imp.module] ??= {})[imp.name] = () => 0;
}
const instance = await WebAssembly.instantiate(module, stubs);
const ex = instance.exports;
if (ex._initialize) ex._initialize();

const request = new TextEncoder().encode(JSON.stringify({ flowname: null, payload, request_id: 'bench-1' }));
const decoder = new TextDecoder('utf-8', { fatal: true });

function call() {
  const ptr = ex.fluent_alloc(request.length) >>> 0;
  new Uint8Array(ex.memory.buffer).set(request, ptr);
  const frame = ex.execute_request(ptr, request.length) >>> 0;
  const length = new DataView(ex.memory.buffer).getUint32(frame, true);
  const response = JSON.parse(decoder.decode(new Uint8Array(ex.memory.buffer, frame + 4, length)));
  if (response.error) throw new Error(`the kernel failed: ${JSON.stringify(response.error)}`);
  return response.content;
}

const first = call();
if (first.includes('\n')) throw new Error('a kernel answer must fit on one line');
console.log(first);

for await (const line of createInterface({ input: process.stdin })) {
  const m = /^run (\d+)$/.exec(line.trim());
  if (!m) throw new Error(`unknown command: ${line}`);
  const calls = Number(m[1]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    if (call() !== first) throw new Error('the kernel answered differently');
  }
  console.log((Number(process.hrtime.bigint() - start) / 1e6 / calls).toFixed(4));
}
