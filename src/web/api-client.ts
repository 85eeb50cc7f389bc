/** What the page shows when a request fails: the API's own code and message, unchanged. */
export interface ApiFailure {
  readonly ok: false;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

export type ApiResult<T> = { readonly ok: true; readonly status: number; readonly data: T } | ApiFailure;

export const API_BASE = '/api/v1';

/**
 * One REST call. Error bodies follow the API's `{ code, message, details }`; anything else (a proxy's
 * HTML page, a dropped connection) is reported with a code that says where it came from.
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method,
      headers:
        body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    return { ok: false, status: 0, code: 'NETWORK', message: `The controller did not answer: ${String(err)}` };
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.ok) return { ok: true, status: res.status, data: json as T };
  const e = (json ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
  return {
    ok: false,
    status: res.status,
    code: typeof e.code === 'string' ? e.code : `HTTP_${res.status}`,
    message: typeof e.message === 'string' ? e.message : text.slice(0, 300) || res.statusText,
    details: e.details,
  };
}

export function describeFailure(f: ApiFailure): string {
  return `${f.code}: ${f.message}`;
}
