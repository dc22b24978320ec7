/**
 * A deterministic configuration-like tree for the benchmark: HCL-like text files (most of
 * the count), incompressible files (a third of the bytes, like provider binaries or
 * archives checked in), deep directories and long names.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const WORDS = [
  'network',
  'subnet',
  'bucket',
  'policy',
  'role',
  'cluster',
  'node',
  'queue',
  'table',
  'vpc',
  'gateway',
  'record',
  'zone',
  'key',
  'secret',
  'service',
  'task',
  'alarm'
];

function hclBlock(next: () => number): string {
  const w = (): string => WORDS[next() % WORDS.length];
  const n = next();
  return (
    `resource "aws_${w()}_${w()}" "${w()}_${n % 997}" {\n` +
    `  name        = "${w()}-${w()}-${n % 10007}"\n` +
    `  description = "Managed ${w()} for the ${w()} ${w()} (${n % 31})"\n` +
    `  count       = var.${w()}_count\n` +
    `  tags = {\n    Environment = var.environment\n    Owner       = "${w()}-team"\n` +
    `    CostCenter  = "${(n >>> 8) % 100000}"\n  }\n` +
    `  depends_on = [aws_${w()}.${w()}, module.${w()}_${w()}]\n}\n\n`
  );
}

export interface TreeStats {
  readonly files: number;
  readonly bytes: number;
}

/**
 * Writes `scale` × (about 20,000 files, 200 MB) under `root`. Deterministic for a given
 * scale: the second half of a 2× tree is a different tree of the same shape.
 */
export function makeBenchTree(root: string, scale: number): TreeStats {
  let files = 0;
  let bytes = 0;
  const random = Buffer.alloc(64 * 1024 * 1024);
  const fill = xorshift(0x5eed);
  for (let i = 0; i + 4 <= random.length; i += 4) random.writeUInt32LE(fill(), i);
  for (let part = 0; part < scale; part++) {
    const next = xorshift(1234 + part);
    const base = path.join(root, `part-${part}`);
    for (let module = 0; module < 200; module++) {
      // Deep and long paths: some directories nest 8 levels with long names.
      const depth = 1 + (next() % 8);
      const segments = [`module-${module}`];
      for (let d = 1; d < depth; d++) {
        segments.push(
          next() % 10 === 0 ? `${WORDS[next() % WORDS.length]}-`.repeat(8) + d : `d${d}`
        );
      }
      const dir = path.join(base, ...segments);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 100; f++) {
        const long = next() % 50 === 0;
        const name = long
          ? `${'x'.repeat(110)}-${f}.tf`
          : `${WORDS[next() % WORDS.length]}-${f}.tf`;
        let data: Buffer;
        if (f % 7 === 0) {
          // Incompressible: a slice of the random pool, 8–48 KiB.
          const size = 8192 + (next() % (40 * 1024));
          const start = next() % (random.length - size);
          data = random.subarray(start, start + size);
        } else {
          const size = 1000 + (next() % 12000);
          let text = '';
          while (text.length < size) text += hclBlock(next);
          data = Buffer.from(text);
        }
        fs.writeFileSync(path.join(dir, name), data);
        files++;
        bytes += data.length;
      }
    }
  }
  return { files, bytes };
}
