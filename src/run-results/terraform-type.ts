/**
 * An output's type as a configuration writes it, from the API's `detailed-type` (Terraform's
 * JSON type expression, docs/tfe-api-notes.md §11): `["list","string"]` → `list(string)`.
 */

const MAX_LENGTH = 200;
const MAX_DEPTH = 8;

/** The type's text, at most about 200 characters; the coarse `type` when nothing better. */
export function terraformTypeText(
  detailedType: unknown,
  coarseType: unknown,
  value: unknown
): string {
  const written = typeExpression(detailedType, 0);
  if (written !== undefined) return cut(written);
  if (typeof coarseType === 'string' && coarseType !== '') return cut(coarseType);
  return valueKind(value);
}

function typeExpression(type: unknown, depth: number): string | undefined {
  if (typeof type === 'string') return type === '' ? undefined : type;
  if (!Array.isArray(type) || depth > MAX_DEPTH) return depth > MAX_DEPTH ? '…' : undefined;
  const [kind, inner] = type as [unknown, unknown];
  if (typeof kind !== 'string') return undefined;
  const element = (t: unknown) => typeExpression(t, depth + 1) ?? 'any';
  switch (kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${kind}(${element(inner)})`;
    case 'tuple':
      return Array.isArray(inner) ? `tuple([${joined(inner.map(element))}])` : 'tuple';
    case 'object': {
      if (typeof inner !== 'object' || inner === null) return 'object';
      const fields = Object.entries(inner as Record<string, unknown>).map(
        ([name, t]) => `${name} = ${element(t)}`
      );
      return `object({${fields.length ? ` ${joined(fields)} ` : ''}})`;
    }
    default:
      return kind;
  }
}

/** Joins parts while they are short enough: a type of thousands of fields stays readable. */
function joined(parts: readonly string[]): string {
  let text = '';
  for (const part of parts) {
    const next = text === '' ? part : `${text}, ${part}`;
    if (next.length > MAX_LENGTH) return text === '' ? '…' : `${text}, …`;
    text = next;
  }
  return text;
}

function valueKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'tuple';
  if (value !== null && typeof value === 'object') return 'object';
  return 'dynamic';
}

function cut(text: string): string {
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH)}…` : text;
}
