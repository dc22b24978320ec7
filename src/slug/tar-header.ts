/**
 * Tar headers as Go's archive/tar writes them when no format is requested (go-slug):
 * USTAR when the entry fits (long ASCII names split into prefix + name at a `/`),
 * otherwise a PAX extended header named `PaxHeaders.0/<name>` before the entry.
 */

export const BLOCK = 512;

export type TypeFlag = '0' | '2' | '5' | 'x';

export interface HeaderFields {
  readonly name: string;
  readonly type: TypeFlag;
  readonly mode: number;
  readonly size: number;
  /** Seconds since the epoch, already rounded. */
  readonly mtime: number;
  readonly linkname: string;
}

const MAX_OCTAL_11 = 0o77777777777;
const ASCII = /^\p{ASCII}*$/u;

function octal(block: Buffer, offset: number, width: number, value: number): void {
  // Fixed width, zero padded, NUL terminated (as Go's formatOctal).
  block.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'latin1');
}

/** Go's splitUSTARPath: prefix (<= 155 bytes) and name (<= 100 bytes) split at a `/`. */
function splitUstar(name: string): [string, string] | null {
  let length = name.length;
  if (length <= 100 || !ASCII.test(name)) return null;
  if (length > 156) length = 156;
  else if (name[length - 1] === '/') length--;
  const i = name.lastIndexOf('/', length - 1);
  const nameLength = name.length - i - 1;
  if (i <= 0 || nameLength > 100 || nameLength === 0 || i > 155) return null;
  return [name.slice(0, i), name.slice(i + 1)];
}

function rawHeader(
  fields: HeaderFields,
  name: Buffer | string,
  prefix: string,
  linkname: Buffer | string
): Buffer {
  const block = Buffer.alloc(BLOCK);
  (typeof name === 'string' ? Buffer.from(name, 'latin1') : name).copy(block, 0, 0, 100);
  octal(block, 100, 8, fields.mode);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, fields.size <= MAX_OCTAL_11 ? fields.size : 0);
  octal(block, 136, 12, fields.mtime >= 0 && fields.mtime <= MAX_OCTAL_11 ? fields.mtime : 0);
  block.write(fields.type, 156, 1, 'latin1');
  (typeof linkname === 'string' ? Buffer.from(linkname, 'latin1') : linkname).copy(
    block,
    157,
    0,
    100
  );
  block.write('ustar\u000000', 257, 8, 'latin1');
  octal(block, 329, 8, 0);
  octal(block, 337, 8, 0);
  block.write(prefix, 345, 155, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += block[i];
  octal(block, 148, 7, sum);
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  // The length counts its own digits.
  let digits = String(bodyLength).length;
  while (String(bodyLength + digits).length !== digits) digits++;
  const length = bodyLength + digits;
  return `${length}${body}`;
}

const toAscii = (s: string): string => s.replace(/\P{ASCII}/gu, '');

/** The header block(s) for one entry: 512 bytes, or a PAX header + data + the entry. */
export function encodeHeader(fields: HeaderFields): Buffer {
  const nameFits = fields.name.length <= 100 && ASCII.test(fields.name);
  const split = nameFits ? null : splitUstar(fields.name);
  const linkFits = fields.linkname.length <= 100 && ASCII.test(fields.linkname);
  const sizeFits = fields.size <= MAX_OCTAL_11;
  const mtimeFits = fields.mtime >= 0 && fields.mtime <= MAX_OCTAL_11;
  if ((nameFits || split) && linkFits && sizeFits && mtimeFits) {
    return split
      ? rawHeader(fields, split[1], split[0], fields.linkname)
      : rawHeader(fields, fields.name, '', fields.linkname);
  }
  // Go sorts the PAX keys: linkpath, mtime, path, size.
  let records = '';
  if (!linkFits) records += paxRecord('linkpath', fields.linkname);
  if (!mtimeFits) records += paxRecord('mtime', String(fields.mtime));
  if (!nameFits) records += paxRecord('path', fields.name);
  if (!sizeFits) records += paxRecord('size', String(fields.size));
  const data = Buffer.from(records, 'utf8');
  // Go names it path.Join(dir, "PaxHeaders.0", file).
  const cut = fields.name.lastIndexOf('/') + 1;
  const file = fields.name.slice(cut);
  const paxName = `${fields.name.slice(0, cut)}PaxHeaders.0${file ? '/' + file : ''}`;
  const pax = rawHeader(
    { name: '', type: 'x', mode: 0, size: data.length, mtime: 0, linkname: '' },
    Buffer.from(paxName, 'utf8'),
    '',
    ''
  );
  const padded = Buffer.alloc(Math.ceil(data.length / BLOCK) * BLOCK);
  data.copy(padded);
  const main = rawHeader(fields, toAscii(fields.name), '', toAscii(fields.linkname));
  return Buffer.concat([pax, padded, main]);
}
