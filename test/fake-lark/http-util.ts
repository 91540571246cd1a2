// Small HTTP helpers for the fake: body reading, multipart parsing and path matching.
import type { IncomingMessage } from 'node:http';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/**
 * Minimal multipart/form-data parser. Hand-rolled rather than Request.formData() because
 * axios+form-data sends Buffers without a filename, which the WHATWG parser would decode
 * as (lossy) text, and we need the exact byte size.
 */
export function parseMultipart(raw: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return [];
  const delim = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = raw.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    // "--" right after the delimiter marks the end of the body.
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    if (next === -1) break;
    // Each part is CRLF headers CRLFCRLF data CRLF, sitting between two delimiters.
    const part = raw.subarray(start + 2, next - 2);
    const sep = part.indexOf('\r\n\r\n');
    if (sep !== -1) {
      const head = part.subarray(0, sep).toString('utf8');
      const data = part.subarray(sep + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const ctype = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1];
      parts.push({ name, data, ...(filename !== undefined ? { filename } : {}), ...(ctype ? { contentType: ctype } : {}) });
    }
    pos = next;
  }
  return parts;
}

/** Match "/a/:x/b" against a concrete path; returns the params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const ps = pattern.split('/');
  const xs = path.split('/');
  if (ps.length !== xs.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] ?? '';
    const x = xs[i] ?? '';
    if (p.startsWith(':')) {
      if (!x) return null;
      params[p.slice(1)] = decodeURIComponent(x);
    } else if (p !== x) {
      return null;
    }
  }
  return params;
}

export function ok(data: unknown): { status: number; body: unknown } {
  return { status: 200, body: { code: 0, msg: 'success', data } };
}

export function fail(status: number, code: number, msg: string): { status: number; body: unknown } {
  return { status, body: { code, msg } };
}
