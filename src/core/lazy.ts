// Heavy libraries loaded on first use, not at start: most processes never write a spreadsheet, and exceljs with its
// zip libraries was a fifth of the server's start-up time and tens of MB of its memory.
import type ExcelJS from 'exceljs';

let excel: Promise<typeof ExcelJS> | undefined;

/** exceljs, imported once when the first spreadsheet is read or written. */
export function loadExcel(): Promise<typeof ExcelJS> {
  return (excel ??= import('exceljs').then((m) => (m.default ?? m) as typeof ExcelJS));
}
