/**
 * The run's cost estimate (docs/tfe-api-notes.md §10.2): read from the API's document, the
 * `cost-monthly-*` outputs, and the one line the report shows.
 */
import type { Resource } from '../tfe/types.js';
import type { CostEstimateAttributes } from '../tfe/result-types.js';
import type { CostEstimate } from './types.js';

/** A decimal as the API writes money (`"25.488"`, `"-3.1"`); anything else is not money. */
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;

export function costFromResource(resource: Resource<CostEstimateAttributes>): CostEstimate {
  const a = resource.attributes ?? {};
  const status = typeof a.status === 'string' ? a.status.slice(0, 100) : 'unknown';
  const error = a['error-message'];
  return {
    status,
    prior: money(a['prior-monthly-cost']),
    proposed: money(a['proposed-monthly-cost']),
    delta: money(a['delta-monthly-cost']),
    resources: count(a['resources-count']),
    matched: count(a['matched-resources-count']),
    errorMessage: typeof error === 'string' && error !== '' ? error.slice(0, 2_000) : undefined
  };
}

/** The three outputs, only from a finished estimate and only as the API spelled them. */
export function costOutputs(cost: CostEstimate | undefined): {
  prior?: string;
  proposed?: string;
  delta?: string;
} {
  if (cost?.status !== 'finished') return {};
  return { prior: cost.prior, proposed: cost.proposed, delta: cost.delta };
}

/**
 * The report's line, plain text (the renderer escapes it), or undefined when the estimate
 * says nothing worth a line (still queued, or it never ran because the run stopped).
 */
export function costLine(cost: CostEstimate | undefined): string | undefined {
  if (!cost) return undefined;
  switch (cost.status) {
    case 'finished': {
      if (cost.prior === undefined || cost.proposed === undefined) {
        return 'finished, but the server sent no amounts.';
      }
      const delta = cost.delta ?? difference(cost.prior, cost.proposed);
      const change = Number(delta) === 0 ? 'no change' : signed(delta);
      const coverage =
        cost.resources !== undefined && cost.matched !== undefined && cost.resources > 0
          ? ` ${cost.matched} of ${cost.resources} resources estimated.`
          : '';
      return `${dollars(cost.prior)} → ${dollars(cost.proposed)} a month (${change}).${coverage}`;
    }
    case 'errored':
      return cost.errorMessage ? `errored: ${cost.errorMessage}` : 'errored.';
    case 'skipped_due_to_targeting':
      return 'skipped: the run targets specific resources (target-addrs).';
    default:
      return undefined;
  }
}

function money(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && DECIMAL.test(value) ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function difference(prior: string, proposed: string): string {
  return String(Number(proposed) - Number(prior));
}

const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `$1,234.50`; the estimate is in US dollars. */
function dollars(value: string): string {
  const amount = Number(value);
  return `${amount < 0 ? '-' : ''}$${USD.format(Math.abs(amount))}`;
}

function signed(value: string): string {
  return `${Number(value) > 0 ? '+' : ''}${dollars(value)}`;
}
