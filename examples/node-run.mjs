#!/usr/bin/env node
// Runs one request through a plugin folder on Node's WebAssembly engine,
// following ABI version 1 (docs/abi.md), and prints the response JSON.
//
//   node examples/node-run.mjs <plugin-folder> <payload> [flowname]
//
// A quick check outside Karaf, not the host: limits are not enforced, and
// the WASI subset is stubbed the way the ABI describes (no arguments, empty
// environment, no files; stdout/stderr go to this process's stderr).
// Exit status: 0 for a success response, 2 for an error response, 1 for
// anything the host would refuse or fail.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';

const MAX_FRAME = 16 * 1024 * 1024;
const ERRNO_SUCCESS = 0;
const ERRNO_BADF = 8;

class Failure extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

class ProcExit extends Error {
  constructor(status) {
    super(`proc_exit(${status})`);
    this.status = status;
  }
}

function wasiSubset(getMemory) {
  const view = () => new DataView(getMemory().buffer);
  const bytes = () => new Uint8Array(getMemory().buffer);
  const zeroPair = (a, b) => {
    view().setUint32(a, 0, true);
    view().setUint32(b, 0, true);
    return ERRNO_SUCCESS;
  };
  const badf = () => ERRNO_BADF;
  return {
    args_get: () => ERRNO_SUCCESS,
    args_sizes_get: zeroPair,
    environ_get: () => ERRNO_SUCCESS,
    environ_sizes_get: zeroPair,
    clock_time_get: (id, precision, out) => {
      const now = id === 0 ? BigInt(Date.now()) * 1000000n : process.hrtime.bigint();
      view().setBigUint64(out, now, true);
      return ERRNO_SUCCESS;
    },
    clock_res_get: (id, out) => {
      view().setBigUint64(out, 1000n, true);
      return ERRNO_SUCCESS;
    },
    random_get: (buf, len) => {
      randomFillSync(bytes(), buf, len);
      return ERRNO_SUCCESS;
    },
    fd_write: (fd, iovs, iovsLen, nwritten) => {
      if (fd !== 1 && fd !== 2) return ERRNO_BADF;
      const v = view();
      let total = 0;
      const chunks = [];
      for (let i = 0; i < iovsLen; i++) {
        const ptr = v.getUint32(iovs + 8 * i, true);
        const len = v.getUint32(iovs + 8 * i + 4, true);
        chunks.push(Buffer.from(bytes().slice(ptr, ptr + len)));
        total += len;
      }
      process.stderr.write(`[plugin fd ${fd}] ${Buffer.concat(chunks).toString('utf8')}`);
      v.setUint32(nwritten, total, true);
      return ERRNO_SUCCESS;
    },
    fd_close: badf,
    fd_fdstat_get: badf,
    fd_seek: badf,
    fd_read: badf,
    fd_prestat_get: badf,
    fd_prestat_dir_name: badf,
    proc_exit: (status) => {
      throw new ProcExit(status);
    },
    sched_yield: () => ERRNO_SUCCESS,
  };
}

async function run(folder, payload, flowname) {
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
  const module = await WebAssembly.compile(readFileSync(join(folder, 'plugin.wasm')));

  let memory = null;
  const wasi = wasiSubset(() => memory);
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== 'wasi_snapshot_preview1' || !(imp.name in wasi) || imp.kind !== 'function') {
      throw new Failure('IMPORT_NOT_ALLOWED', `import ${imp.module}.${imp.name} is not allowed`);
    }
  }
  const exported = Object.fromEntries(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  for (const [name, kind] of [['memory', 'memory'], ['fluent_abi_version', 'function'],
    ['fluent_alloc', 'function'], ['execute_request', 'function']]) {
    if (exported[name] !== kind) {
      throw new Failure('ABI_MISMATCH', `the module does not export ${kind} '${name}'`);
    }
  }

  const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi });
  const ex = instance.exports;
  memory = ex.memory;
  const version = ex.fluent_abi_version();
  if (version !== 1) throw new Failure('ABI_MISMATCH', `ABI version ${version}; supported: 1`);

  const request = new TextEncoder().encode(JSON.stringify({
    flowname: flowname ?? null, payload, request_id: 'node-run-1',
  }));
  let frame;
  try {
    const ptr = ex.fluent_alloc(request.length) >>> 0;
    if (ptr === 0 || ptr + request.length > memory.buffer.byteLength) {
      throw new Failure('MEMORY_LIMIT', `fluent_alloc(${request.length}) gave no usable buffer (${ptr})`);
    }
    new Uint8Array(memory.buffer).set(request, ptr);
    frame = ex.execute_request(ptr, request.length) >>> 0;
  } catch (e) {
    if (e instanceof Failure) throw e;
    if (e instanceof ProcExit) {
      throw e.status === 0
        ? new Failure('BAD_RESPONSE', 'proc_exit(0) without a response frame')
        : new Failure('TRAP', `proc_exit(${e.status})`);
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new Failure('STACK_EXHAUSTED', e.message);
    if (e instanceof WebAssembly.RuntimeError) throw new Failure('TRAP', e.message);
    throw e;
  }

  const size = memory.buffer.byteLength;
  if (frame === 0 || frame + 4 > size) {
    throw new Failure('BAD_RESPONSE', `response pointer ${frame} is outside memory (${size} bytes)`);
  }
  const length = new DataView(memory.buffer).getUint32(frame, true);
  if (length > MAX_FRAME || frame + 4 + length > size) {
    throw new Failure('BAD_RESPONSE', `response frame of ${length} bytes at ${frame} does not fit`);
  }
  let text;
  let body;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(memory.buffer, frame + 4, length));
    body = JSON.parse(text);
  } catch (e) {
    throw new Failure('BAD_RESPONSE', `response is not UTF-8 JSON: ${e.message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Failure('BAD_RESPONSE', 'response is not a JSON object');
  }
  if ('error' in body) {
    const { code, message } = body.error ?? {};
    if (typeof code !== 'string' || typeof message !== 'string') {
      throw new Failure('BAD_RESPONSE', 'error response needs string code and message');
    }
  } else if (typeof body.content !== 'string') {
    throw new Failure('BAD_RESPONSE', 'response has no string content');
  }
  return { manifest, text, body };
}

const [folder, payload, flowname] = process.argv.slice(2);
if (folder === undefined || payload === undefined) {
  console.error('usage: node node-run.mjs <plugin-folder> <payload> [flowname]');
  process.exit(1);
}
try {
  const { manifest, text, body } = await run(folder, payload, flowname);
  console.error(`${manifest.name} ${manifest.version}: ${'error' in body ? 'PLUGIN_ERROR' : 'ok'}`);
  console.log(text);
  process.exit('error' in body ? 2 : 0);
} catch (e) {
  if (e instanceof Failure) {
    console.error(`${e.code}: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
