// A deliberately small reader of Terraform configuration: enough to find the
// `resource`, `import` and `output` blocks of the root module so the emulator
// can derive a believable plan from what the client uploaded.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseLiteral } from './hcl-literal.js';

/**
 * @typedef {{ address: string, type: string, name: string, hash: string, text: string }} ResourceBlock
 * @typedef {{ name: string, value: unknown, type: import('./hcl-literal.js').TerraformType, sensitive: boolean }} OutputBlock
 * @typedef {{ resources: Map<string, ResourceBlock>, imports: Map<string, string>, outputs: OutputBlock[] }} TerraformConfig
 */

/**
 * Returns the index just past the `}` closing the block whose `{` is at `open`,
 * skipping braces inside quoted strings and comments.
 * @param {string} text
 * @param {number} open
 */
function blockEnd(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/**
 * Yields every top-level block `keyword ... {` with its labels and body.
 * @param {string} text
 * @param {string} keyword
 */
function* blocks(text, keyword) {
  // Labels are usually quoted, but HCL also accepts bare identifiers.
  const label = '(?:"[^"\\n]*"|[A-Za-z_][\\w-]*)';
  const re = new RegExp(`^[ \\t]*${keyword}((?:[ \\t]+${label})*)[ \\t]*\\{`, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = blockEnd(text, open);
    const labels = [...m[1].matchAll(/"([^"]*)"|([A-Za-z_][\w-]*)/g)].map(l => l[1] ?? l[2]);
    yield { labels, body: text.slice(open + 1, end - 1), full: text.slice(m.index, end) };
    re.lastIndex = end;
  }
}

/**
 * Reads the root module: the `.tf` files directly inside `workingDirectory`
 * (Terraform does not descend into subdirectories).
 * @param {Map<string, string>} files archive path -> text
 * @param {string | null} workingDirectory
 * @returns {TerraformConfig}
 */
export function readConfig(files, workingDirectory) {
  const dir = path.posix.normalize(workingDirectory ?? '.').replace(/^\.?\/*|\/+$/g, '');
  /** @type {TerraformConfig} */
  const config = { resources: new Map(), imports: new Map(), outputs: [] };
  const names = [...files.keys()].filter(
    name => name.endsWith('.tf') && path.posix.dirname(name) === (dir === '' ? '.' : dir)
  );
  for (const name of names.sort()) {
    const text = files.get(name) ?? '';
    for (const block of blocks(text, 'resource')) {
      const [type, label] = block.labels;
      if (!type || !label) continue;
      const address = `${type}.${label}`;
      const normalized = block.full.replace(/\s+/g, ' ').trim();
      const hash = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
      config.resources.set(address, { address, type, name: label, hash, text: block.full });
    }
    for (const block of blocks(text, 'import')) {
      const to = /\bto\s*=\s*([A-Za-z0-9_.\-[\]"]+)/.exec(block.body);
      const id = /\bid\s*=\s*"([^"]*)"/.exec(block.body);
      if (to) config.imports.set(to[1], id ? id[1] : to[1]);
    }
    for (const block of blocks(text, 'output')) {
      const [outName] = block.labels;
      if (!outName) continue;
      const value = /^[ \t]*value[ \t]*=[ \t]*/m.exec(block.body);
      const at = value ? value.index + value[0].length : -1;
      const sensitive = /^[ \t]*sensitive[ \t]*=[ \t]*true\b/m.test(block.body);
      // An expression that needs evaluating is reported as its source text.
      const lit = value
        ? (parseLiteral(block.body, at) ?? {
            value: (/.*/.exec(block.body.slice(at))?.[0] ?? '').trim(),
            type: 'string'
          })
        : { value: null, type: 'dynamic' };
      config.outputs.push({ name: outName, value: lit.value, type: lit.type, sensitive });
    }
  }
  return config;
}
