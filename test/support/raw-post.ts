// A raw POST over node:http: exactly these headers and bytes (fetch would add a content type and its own framing).
import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  /** the body parsed as JSON, or its text when it is not JSON */
  body: any;
  type: string;
  /** how the answer was framed: 'length' (a content-length that matches), or what it was instead */
  framing: string;
}

/** Posts `body` to `url` (a header given as a list is sent once for each value); `chunked` leaves out content-length and writes the body in 16 KB chunks. */
export function rawPost(url: string, body: string | Buffer, headers: Record<string, string | string[]>, chunked = false): Promise<RawAnswer> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent: false, headers: chunked ? headers : { ...headers, 'content-length': String(bytes.length) } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          const text = all.toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // kept as text: the assertion on the JSON error shows it
          }
          const framing = res.headers['transfer-encoding'] ?? (res.headers['content-length'] === String(all.length) ? 'length' : `content-length ${res.headers['content-length']} for ${all.length} bytes`);
          resolve({ status: res.statusCode!, body: parsed, type: String(res.headers['content-type'] ?? ''), framing });
        });
      },
    );
    // The server may answer 413 and close while a chunked body is still being written.
    req.on('error', (err) => (answered ? undefined : reject(err)));
    if (chunked) {
      for (let i = 0; i < bytes.length; i += 16 * 1024) req.write(bytes.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(bytes);
  });
}
