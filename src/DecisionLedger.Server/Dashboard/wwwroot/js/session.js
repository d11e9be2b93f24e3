// What the signed-in key may do (GET /v1/caller) and which models the ledger holds (GET /v1/models),
// fetched once per key: the menu, the pages and the model picker follow them.
import { getJson, getKey } from './api.js';

/** The pages and the permission each needs; the collector's role table decides, not this file. */
export const PAGES = {
  search: { title: 'Search', permission: 'read' },
  decision: { title: 'Decision', permission: 'read' },
  usage: { title: 'Usage', permission: 'audit' },
  timeline: { title: 'Version timeline', permission: 'audit' },
  verification: { title: 'Verification', permission: 'audit' },
  replay: { title: 'Replay', permission: 'audit' },
  drift: { title: 'Drift', permission: 'monitor' },
};

/** Who may hold each permission, for messages (the collector's role table). */
const HOLDERS = { read: 'reader, auditor or admin', audit: 'auditor or admin', ingest: 'ingest or admin', monitor: 'monitor, auditor or admin' };

let cached = { key: null, caller: null, models: null };

/** The caller {keyId, keyName, role, permissions: [...]} of the current key, fetched once per key. */
export function caller() {
  reset();
  cached.caller ??= getJson('/v1/caller').catch(error => { cached.caller = null; throw error; });
  return cached.caller;
}

/** The ledger's models [{name, versions, decisions, first, last}], most recently used first; [] when the key may not read. */
export async function models() {
  reset();
  if (!can(await caller(), 'read')) return [];
  cached.models ??= getJson('/v1/models').then(body => body.models).catch(error => { cached.models = null; throw error; });
  return cached.models;
}

/** Forgets the models, so the picker sees a model recorded since. */
export function refreshModels() { cached.models = null; }

/** True when the caller's role grants permission. */
export function can(who, permission) { return Boolean(who?.permissions?.includes(permission)); }

/** True when the caller may open page. */
export function mayOpen(who, page) { return can(who, (PAGES[page] ?? PAGES.search).permission); }

/** A sentence saying why the caller cannot open page, and which key can. */
export function refusal(who, page) {
  const { title, permission } = PAGES[page] ?? PAGES.search;
  return `${title} needs the ${permission} permission, which your key's role (${who.role}) does not have: log in with a ${HOLDERS[permission]} key to open it.`;
}

function reset() {
  const key = getKey();
  if (cached.key !== key) cached = { key, caller: null, models: null };
}
