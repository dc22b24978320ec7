/**
 * The code of a compression thread, as a string (`new Worker(source, { eval: true })`) so
 * the action's single-file ncc bundle needs no second file. Each chunk of tar becomes one
 * gzip member (RFC 1951/1952): runs of incompressible bytes as stored blocks copied by us,
 * the other runs deflated at level 1 by one zlib engine for the whole chunk, writing
 * straight into the thread's reused output buffer.
 *
 * Why not `zlib.gzipSync()` per run (as before): each call builds an engine whose output
 * buffer lives as long as the engine. On Node 20 a young-generation collection frees both;
 * on Node 24 the engine survives until a full collection, which V8 starts only after
 * ~64 MB of such buffers per thread: +80 MB of peak RSS per thread, measured. Here the
 * buffers are ours and reused, and each engine is closed (zlib's state freed) at once.
 *
 * The engine is driven through its native handle (`_handle.writeSync`, the call Node's own
 * `zlib.*Sync` functions loop on). Where a runtime lacks it (or `zlib.crc32`, Node < 20.15)
 * the thread falls back to one `gzipSync` member per run: the same content, more memory.
 */
export const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');

const PIECE = 16384;
const counts = new Uint32Array(256);
// Level 1 deflate crawls over incompressible bytes (~60 MB/s, for no gain): pieces whose
// byte entropy says "random" (archives, binaries) are stored instead (a copy).
function incompressible(bytes, start, end) {
  counts.fill(0);
  for (let i = start; i < end; i++) counts[bytes[i]]++;
  const n = end - start;
  let bits = 0;
  for (let i = 0; i < 256; i++) if (counts[i] !== 0) bits -= counts[i] * Math.log2(counts[i] / n);
  return bits / n > 7.5;
}

// A raw deflate engine at level 1, driven through its native handle: null where this
// runtime does not offer what that needs.
function newEngine() {
  // Its own output buffer goes unused (we pass ours): the smallest zlib accepts.
  const engine = new zlib.DeflateRaw({ level: 1, chunkSize: 64 });
  // A failing native call destroys the engine at once (checked below); the event follows.
  engine.on('error', () => {});
  const handle = engine._handle;
  const result = engine._writeState;
  const usable = typeof handle?.writeSync === 'function' && result instanceof Uint32Array && result.length === 2;
  if (!usable) engine.close();
  return usable ? { engine, handle, result } : null;
}
const probe = workerData.portable || typeof zlib.crc32 !== 'function' ? null : newEngine();
probe?.engine.close();
const direct = probe !== null;

// Member under construction: bytes [0, size) of out.
let out;
let size = 0;

function room(n) {
  if (out.length - size >= n) return;
  const bigger = Buffer.allocUnsafeSlow(Math.max(out.length * 2, size + n));
  out.copy(bigger, 0, 0, size);
  out = bigger;
}

function putStored(bytes, start, end) {
  while (start < end) {
    const n = Math.min(end - start, 65535);
    room(n + 5);
    out[size] = 0; // BFINAL 0, BTYPE 00
    out.writeUInt16LE(n, size + 1);
    out.writeUInt16LE(n ^ 0xffff, size + 3);
    out.set(bytes.subarray(start, start + n), size + 5);
    size += n + 5;
    start += n;
  }
}

// A fresh deflate stream (reset: its matches must not reach into the stored bytes it never
// saw), ended by a sync flush so the next blocks start on a byte boundary.
function putDeflated(bytes, start, end, { engine, handle, result }) {
  engine.reset();
  let at = start;
  for (;;) {
    room(65536);
    const space = out.length - size;
    handle.writeSync(zlib.constants.Z_SYNC_FLUSH, bytes, at, end - at, out, size, space);
    if (engine.destroyed) throw new Error('zlib failed to deflate');
    size += space - result[0];
    at = end - result[1];
    // Output space left over means zlib has flushed everything.
    if (result[0] !== 0) return;
  }
}

// The runs of pieces that are all incompressible or all compressible.
function eachRun(bytes, visit) {
  let start = 0;
  while (start < bytes.length) {
    const stored = incompressible(bytes, start, Math.min(start + PIECE, bytes.length));
    let end = Math.min(start + PIECE, bytes.length);
    while (end < bytes.length && incompressible(bytes, end, Math.min(end + PIECE, bytes.length)) === stored) {
      end = Math.min(end + PIECE, bytes.length);
    }
    visit(start, end, stored);
    start = end;
  }
}

function member(bytes) {
  // One engine per member, not per thread: deflateReset keeps the bytes of earlier runs in
  // the window, and zlib's hashing peeks past the input into them, so an engine that had
  // seen other chunks (which thread gets which varies) would make the archive vary.
  const deflater = newEngine();
  size = 0;
  room(18);
  // Header as Go writes it: no name, mtime 0, XFL 4 (fastest), OS 255 (unknown).
  out.set([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255], 0);
  size = 10;
  try {
    eachRun(bytes, (start, end, stored) =>
      stored ? putStored(bytes, start, end) : putDeflated(bytes, start, end, deflater)
    );
  } finally {
    // Frees zlib's state now; the small JS object waits for a full collection.
    deflater.engine.close();
  }
  room(10);
  out[size++] = 3; // an empty final block (fixed Huffman, end of block)
  out[size++] = 0;
  out.writeUInt32LE(zlib.crc32(bytes), size);
  out.writeUInt32LE(bytes.length, size + 4);
  size += 8;
}

function members(bytes) {
  size = 0;
  eachRun(bytes, (start, end, stored) => {
    const part = bytes.subarray(start, end);
    const gzipped = zlib.gzipSync(part, { level: stored ? 0 : 1 });
    room(gzipped.length);
    gzipped.copy(out, size);
    size += gzipped.length;
  });
}

const staged = new Map();
const spare = [];

parentPort.on('message', message => {
  if (message.type === 'compress') {
    const { id, input, length } = message;
    try {
      out = spare.pop() ?? Buffer.allocUnsafeSlow(length + (length >> 4) + 4096);
      (direct ? member : members)(new Uint8Array(input, 0, length));
      staged.set(id, { out, size });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id, input, error: String(error) }, [input]);
      return;
    }
    parentPort.postMessage({ type: 'compressed', id, input, size, direct }, [input]);
  } else {
    const { id, fd, offset } = message;
    const job = staged.get(id);
    staged.delete(id);
    try {
      let written = 0;
      while (written < job.size) {
        written += fs.writeSync(fd, job.out, written, job.size - written, offset + written);
      }
      spare.push(job.out);
      parentPort.postMessage({ type: 'written', id });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id, error: String(error) });
    }
  }
});
`;
