// The one CSV writer and reader of every export and import (台账, 进度专报): RFC 4180 quoting, UTF-8 with a BOM so
// Excel shows the Chinese, and the formula guard. A cell a person typed that begins with = + - @ tab or CR would be run
// by Excel or LibreOffice as a formula (=HYPERLINK(...) that leaks data, @SUM, DDE); it is written with a leading '
// so the program shows it as text (OWASP, "CSV Injection"). The reader removes exactly that one ', so an exported
// ledger imports back unchanged.

export type CsvCell = string | number;

/** Text that a spreadsheet would read as a formula, or already guarded text of that kind (so the guard round-trips). */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** A text cell made safe to open in a spreadsheet: a formula-like start is prefixed with '. Numbers stay numbers. */
export function guardCell(v: CsvCell): string {
  if (typeof v === 'number') return String(v);
  return FORMULA_START.test(v) ? `'${v}` : v;
}

/** The text a guarded cell stood for: the one ' the writer added is removed. */
export function unguardCell(s: string): string {
  return s.startsWith("'") && FORMULA_START.test(s.slice(1)) ? s.slice(1) : s;
}

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** A whole CSV file: header and rows, every cell guarded and quoted. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvCell>>): Buffer {
  const lines = rows.map((r) => r.map((v) => quote(guardCell(v))).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Cells are trimmed and unguarded. */
export function fromCsv(bytes: Buffer): string[][] {
  const s = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += ch;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows.map((r) => r.map((c) => unguardCell(c).trim()));
}
