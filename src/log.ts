// One structured JSON line per event or job run, for operators. Never a secret, never a whole message body.
export type Fields = Record<string, unknown>;

export interface Log {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Log;
}

const SECRET_KEYS = /secret|token|encrypt|password|authorization/i;

function scrub(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : v;
  return out;
}

export function createLog(base: Fields = {}, sink: (line: string) => void = (l) => process.stdout.write(l + '\n'), level: 'info' | 'warn' | 'error' | 'silent' = 'info'): Log {
  const order = { info: 0, warn: 1, error: 2, silent: 3 };
  const emit = (lvl: 'info' | 'warn' | 'error', msg: string, fields?: Fields) => {
    if (order[lvl] < order[level]) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg, ...scrub({ ...base, ...fields }) }));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLog({ ...base, ...f }, sink, level),
  };
}

export const silentLog: Log = createLog({}, () => {}, 'silent');

/** A request that threw: logged with its path and the error's message (never the body), answered 500. */
export function internalError(log: Log, path: string, err: unknown): { status: 500; body: { error: string } } {
  log.error('http error', { path, error: err instanceof Error ? err.message : String(err) });
  return { status: 500, body: { error: 'internal error' } };
}
