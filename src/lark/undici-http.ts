// The SDK's HTTP transport on undici (Node only). The SDK builds every call: URL, tenant token, headers, body; its
// Client takes the transport as `httpInstance` (an axios-shaped interface). Its default, axios with follow-redirects,
// cost a fifth of the server's CPU at a thousand replies a second (`npm run bench:profile`); undici's pooled keep-alive
// client does the same requests for a fraction. What this transport does not speak (multipart uploads, streams,
// binary downloads) goes to the SDK's own axios instance unchanged.
import * as lark from '@larksuiteoapi/node-sdk';
import { Agent } from 'undici';

type HttpInstance = NonNullable<ConstructorParameters<typeof lark.Client>[0]['httpInstance']>;

interface RequestOptions {
  url?: string;
  method?: string;
  headers?: Record<string, unknown>;
  params?: Record<string, unknown>;
  data?: unknown;
  responseType?: string;
  paramsSerializer?: unknown;
  timeout?: number;
  $return_headers?: boolean;
}

/** Shaped like axios's error, which the SDK and `classifyError` read: `response` when the server answered. */
export class LarkHttpError extends Error {
  constructor(
    message: string,
    readonly response?: { status: number; data: unknown; headers: Record<string, string> },
    readonly code?: string,
    /** the path asked for (no query): tells the token endpoint's refusals from the others' */
    readonly path?: string,
  ) {
    super(message);
  }
}

export interface UndiciHttpOptions {
  /** sockets per origin (default 32: the sender's concurrency is 16, and a job's fan-out shares the pool) */
  connections?: number;
  /** a request that has not answered by then fails and is retried by the outbox (default 30 s) */
  timeoutMs?: number;
}

const plainJson = (o: RequestOptions) => {
  if (o.responseType && o.responseType !== 'json') return false;
  const d = o.data;
  if (d === undefined || d === null || typeof d === 'string') return true;
  if (typeof d !== 'object' || Buffer.isBuffer(d) || d instanceof ArrayBuffer || ArrayBuffer.isView(d)) return false;
  if (typeof (d as { pipe?: unknown }).pipe === 'function' || typeof (d as { append?: unknown }).append === 'function') return false;
  const type = Object.entries(o.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
  return type === undefined || /json/i.test(String(type));
};

function query(o: RequestOptions): string {
  const p = o.params;
  if (!p) return '';
  const kept = Object.entries(p).filter(([, v]) => v !== undefined && v !== null);
  if (kept.length === 0) return '';
  const text = typeof o.paramsSerializer === 'function' ? String((o.paramsSerializer as (x: unknown) => unknown)(Object.fromEntries(kept))) : new URLSearchParams(kept.map(([k, v]): [string, string] => [k, String(v)])).toString();
  return text ? `?${text}` : '';
}

export function undiciHttp(opts: UndiciHttpOptions = {}): HttpInstance & { close(): Promise<void> } {
  const agent = new Agent({ connections: opts.connections ?? 32, keepAliveTimeout: 30_000, pipelining: 1 });
  const timeout = opts.timeoutMs ?? 30_000;

  async function request(o: RequestOptions): Promise<unknown> {
    if (!plainJson(o)) return lark.defaultHttpInstance.request(o as never);
    const url = new URL(`${o.url ?? ''}${query(o)}`);
    const method = (o.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    let body: string | undefined;
    if (o.data !== undefined && o.data !== null && method !== 'GET' && method !== 'HEAD') {
      body = typeof o.data === 'string' ? o.data : JSON.stringify(o.data);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    let res;
    try {
      res = await agent.request({ origin: url.origin, path: url.pathname + url.search, method: method as 'GET', headers, body, headersTimeout: o.timeout || timeout, bodyTimeout: o.timeout || timeout });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new LarkHttpError(`${method} ${url.pathname}: ${e.message ?? String(err)}`, undefined, e.code);
    }
    const text = await res.body.text();
    let data: unknown = text;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        /* not JSON: the text as it came, as axios gives it */
      }
    }
    const resHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) resHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new LarkHttpError(`Request failed with status code ${res.statusCode}`, { status: res.statusCode, data, headers: resHeaders }, undefined, url.pathname);
    }
    return o.$return_headers ? { data, headers: resHeaders } : data;
  }

  const withBody = (method: string) => (url: string, data?: unknown, o: RequestOptions = {}) => request({ ...o, url, data, method });
  const without = (method: string) => (url: string, o: RequestOptions = {}) => request({ ...o, url, method });
  return {
    request,
    get: without('GET'),
    delete: without('DELETE'),
    head: without('HEAD'),
    options: without('OPTIONS'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    close: () => agent.close(),
  } as HttpInstance & { close(): Promise<void> };
}
