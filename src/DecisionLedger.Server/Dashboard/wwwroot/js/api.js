// Every call to the collector goes through here: the key from sessionStorage in the X-Api-Key header.

const KEY = 'dledger.apiKey';

export function getKey() { return sessionStorage.getItem(KEY); }
export function setKey(key) { sessionStorage.setItem(KEY, key); }
export function clearKey() { sessionStorage.removeItem(KEY); }

/** An API failure with the HTTP status and the server's problem detail. */
export class ApiError extends Error {
  constructor(status, detail, path) {
    super(detail);
    this.status = status;
    this.path = path;
  }
}

/** GETs path with the key; returns the Response, or throws ApiError with the problem detail. */
export async function get(path, key = getKey()) {
  const response = await fetch(path, { headers: key ? { 'X-Api-Key': key } : {}, cache: 'no-store' });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      if (problem && problem.detail) detail = problem.detail;
    } catch { /* not problem details */ }
    throw new ApiError(response.status, detail, path);
  }
  return response;
}

export async function getJson(path) { return (await get(path)).json(); }
export async function getText(path) { return (await get(path)).text(); }
export async function getBytes(path) { return new Uint8Array(await (await get(path)).arrayBuffer()); }

/** Builds a query string from an object, skipping empty values; arrays become repeated parameters. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && String(v).trim() !== '') search.append(name, String(v).trim());
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A sentence for an error, naming what the user can do about it. */
export function explain(error) {
  if (!(error instanceof ApiError)) return `The collector could not be reached: ${error.message}`;
  if (error.status === 401) return 'Your key was refused (401): it is wrong, revoked or expired. Log out and paste a valid key.';
  if (error.status === 403) return `Your key may not do this (403): ${error.message}`;
  return error.message;
}
