// The Lark users the fake Open Platform knows by default: the people of every plan the tests use (examples/ and
// test/fixtures/), as a tenant knows its staff. A card that @-mentions anyone else is refused, as real Lark does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const DIRS = ['examples', 'test/fixtures'];

let cached: Map<string, string> | undefined;

/** open_id → name of every plan person in the repository's plan files. */
export function planUsers(): Map<string, string> {
  if (cached) return cached;
  cached = new Map();
  for (const dir of DIRS) {
    for (const f of readdirSync(join(ROOT, dir)).filter((n) => /\.plan\.(ya?ml|json)$/.test(n))) {
      const plan = parse(readFileSync(join(ROOT, dir, f), 'utf8')) as { people?: Array<{ open_id?: string; name?: string }> } | null;
      for (const p of plan?.people ?? []) if (p.open_id) cached.set(p.open_id, p.name ?? p.open_id);
    }
  }
  return cached;
}
