// Derives a plan from configuration and workspace state, and renders it the
// ways a client sees it: counts, log lines and Terraform's JSON plan format.

/**
 * @typedef {import('./terraform-config.js').TerraformConfig} TerraformConfig
 * @typedef {'create' | 'update' | 'replace' | 'delete' | 'import' | 'no-op'} ChangeKind
 * @typedef {{ address: string, type: string, name: string, kind: ChangeKind, hash: string | null, importId?: string }} ResourceChange
 * @typedef {{ additions: number, changes: number, destructions: number, imports: number }} PlanCounts
 * @typedef {{ changes: ResourceChange[], counts: PlanCounts, hasChanges: boolean }} PlanResult
 * @typedef {{ isDestroy: boolean, refreshOnly: boolean, targetAddrs: string[], replaceAddrs: string[] }} PlanOptions
 */

/**
 * `-target` semantics: an address matches itself and everything below it.
 * @param {string} address
 * @param {string[]} targets
 */
function targeted(address, targets) {
  if (targets.length === 0) return true;
  return targets.some(
    t => address === t || address.startsWith(`${t}.`) || address.startsWith(`${t}[`)
  );
}

/** @param {string} address */
function splitAddress(address) {
  const dot = address.indexOf('.');
  return { type: address.slice(0, dot), name: address.slice(dot + 1) };
}

/**
 * Compares configuration to state (address -> hash of the applied block text).
 * @param {TerraformConfig} config
 * @param {Map<string, string>} state
 * @param {PlanOptions} options
 * @returns {PlanResult}
 */
export function computePlan(config, state, options) {
  /** @type {ResourceChange[]} */
  const changes = [];
  if (!options.refreshOnly) {
    if (!options.isDestroy) {
      for (const res of config.resources.values()) {
        /** @type {ChangeKind} */
        let kind = 'no-op';
        const applied = state.get(res.address);
        if (applied === undefined) {
          kind = config.imports.has(res.address) ? 'import' : 'create';
        } else if (options.replaceAddrs.includes(res.address)) {
          kind = 'replace';
        } else if (applied !== res.hash) {
          kind = 'update';
        }
        /** @type {ResourceChange} */
        const change = {
          address: res.address,
          type: res.type,
          name: res.name,
          kind,
          hash: res.hash
        };
        if (kind === 'import') change.importId = config.imports.get(res.address);
        changes.push(change);
      }
    }
    for (const address of state.keys()) {
      if (options.isDestroy || !config.resources.has(address)) {
        changes.push({ address, ...splitAddress(address), kind: 'delete', hash: null });
      }
    }
  }
  const selected = changes.filter(c => targeted(c.address, options.targetAddrs));
  const count = (/** @type {ChangeKind[]} */ ...kinds) =>
    selected.filter(c => kinds.includes(c.kind)).length;
  const counts = {
    additions: count('create', 'replace'),
    changes: count('update'),
    destructions: count('delete', 'replace'),
    imports: count('import')
  };
  const hasChanges = selected.some(c => c.kind !== 'no-op');
  return { changes: selected, counts, hasChanges };
}

/**
 * Applies a plan to a workspace state in place.
 * @param {PlanResult} plan
 * @param {Map<string, string>} state
 */
export function applyPlan(plan, state) {
  for (const change of plan.changes) {
    if (change.kind === 'delete') state.delete(change.address);
    else if (change.hash !== null) state.set(change.address, change.hash);
  }
}

/** @type {Record<ChangeKind, string[]>} */
const JSON_ACTIONS = {
  create: ['create'],
  update: ['update'],
  replace: ['delete', 'create'],
  delete: ['delete'],
  import: ['no-op'],
  'no-op': ['no-op']
};

/**
 * Terraform's machine-readable plan (`terraform show -json`), reduced to the
 * parts clients read.
 * @param {PlanResult} plan
 * @param {string} terraformVersion
 */
export function planJson(plan, terraformVersion) {
  return {
    format_version: '1.2',
    terraform_version: terraformVersion,
    resource_changes: plan.changes.map(c => {
      const before = c.kind === 'create' ? null : { id: `${c.name}-id` };
      const after = c.kind === 'delete' ? null : { id: `${c.name}-id`, config_hash: c.hash };
      return {
        address: c.address,
        mode: 'managed',
        type: c.type,
        name: c.name,
        provider_name: `registry.terraform.io/hashicorp/${c.type.split('_')[0]}`,
        change: {
          actions: JSON_ACTIONS[c.kind],
          before,
          after,
          ...(c.kind === 'import' ? { importing: { id: c.importId } } : {})
        }
      };
    })
  };
}

/** @type {Record<ChangeKind, string>} */
const PLAN_VERBS = {
  create: 'Plan to create',
  update: 'Plan to update',
  replace: 'Plan to replace',
  delete: 'Plan to delete',
  import: 'Plan to import',
  'no-op': ''
};

/**
 * The human-readable summary line Terraform prints at the end of a plan.
 * @param {PlanResult} plan
 */
export function planSummaryLine(plan) {
  if (!plan.hasChanges) {
    return 'No changes. Your infrastructure matches the configuration.';
  }
  const c = plan.counts;
  const imports = c.imports > 0 ? `${c.imports} to import, ` : '';
  return `Plan: ${imports}${c.additions} to add, ${c.changes} to change, ${c.destructions} to destroy.`;
}

/**
 * One log line per resource change, as the CLI's compact UI prints them.
 * @param {PlanResult} plan
 */
export function planChangeLines(plan) {
  return plan.changes
    .filter(c => c.kind !== 'no-op')
    .map(c => `${c.address}: ${PLAN_VERBS[c.kind]}`);
}

/**
 * Log lines for the apply of one change.
 * @param {ResourceChange} change
 */
export function applyChangeLines(change) {
  switch (change.kind) {
    case 'create':
      return [`${change.address}: Creating...`, `${change.address}: Creation complete after 0s`];
    case 'update':
      return [
        `${change.address}: Modifying...`,
        `${change.address}: Modifications complete after 0s`
      ];
    case 'replace':
      return [
        `${change.address}: Destroying...`,
        `${change.address}: Destruction complete after 0s`,
        `${change.address}: Creating...`,
        `${change.address}: Creation complete after 0s`
      ];
    case 'delete':
      return [
        `${change.address}: Destroying...`,
        `${change.address}: Destruction complete after 0s`
      ];
    case 'import':
      return [`${change.address}: Importing...`, `${change.address}: Import complete`];
    default:
      return [];
  }
}

/**
 * The closing line of an apply log.
 * @param {PlanCounts} counts
 */
export function applySummaryLine(counts) {
  const imports = counts.imports > 0 ? `${counts.imports} imported, ` : '';
  return `Apply complete! Resources: ${imports}${counts.additions} added, ${counts.changes} changed, ${counts.destructions} destroyed.`;
}
