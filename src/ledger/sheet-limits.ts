// How big a spreadsheet the ledger import reads: 10,000 rows, 50 columns and 20 MB once unzipped. A ledger has a few
// hundred rows and ten columns; a file past these is a mistake or an attack (a small .xlsx can declare a cell at row
// 1,048,576 or unzip to gigabytes), refused with a message that names the limit before the sheet is walked.

export const MAX_ROWS = 10_000;
export const MAX_COLUMNS = 50;
export const MAX_INFLATED_BYTES = 20 * 1024 * 1024;

const n = (x: number) => x.toLocaleString('en-US');

export class SheetTooLarge extends Error {
  override name = 'SheetTooLarge';
}

/**
 * The sum of the sizes the zip's central directory declares for its entries once unzipped, read without unzipping
 * (APPNOTE.TXT 4.3.12/4.3.16); undefined when the bytes are not a zip this can read. A ZIP64 size counts as too big.
 */
export function inflatedSize(zip: Buffer): number | undefined {
  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= lowest; i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  let total = 0;
  for (let e = 0; e < entries; e++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) return undefined;
    const size = zip.readUInt32LE(at + 24);
    total += size === 0xffffffff ? Infinity : size;
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return total;
}

/** Refuses an .xlsx whose contents unzip past MAX_INFLATED_BYTES, before it is unzipped. */
export function checkXlsxBytes(bytes: Buffer): void {
  const size = inflatedSize(bytes);
  if (size === undefined) throw new SheetTooLarge('不是有效的 .xlsx 文件（无法读取其压缩目录） / not a readable .xlsx file');
  if (size > MAX_INFLATED_BYTES) {
    throw new SheetTooLarge(`文件解压后超过 ${MAX_INFLATED_BYTES / 1024 / 1024} MB（${Number.isFinite(size) ? `${n(Math.ceil(size / 1024 / 1024))} MB` : '超过 4 GB'}），台账导入最多读取 ${MAX_INFLATED_BYTES / 1024 / 1024} MB / the file unzips past ${MAX_INFLATED_BYTES / 1024 / 1024} MB`);
  }
}

/** Refuses a CSV over MAX_INFLATED_BYTES. */
export function checkCsvBytes(bytes: Buffer): void {
  if (bytes.length > MAX_INFLATED_BYTES) throw new SheetTooLarge(`CSV 文件超过 ${MAX_INFLATED_BYTES / 1024 / 1024} MB / the CSV file is over ${MAX_INFLATED_BYTES / 1024 / 1024} MB`);
}

/** Refuses a sheet past MAX_ROWS rows or MAX_COLUMNS columns, naming both its size and the limit. */
export function checkSheetShape(rows: number, columns: number): void {
  if (rows > MAX_ROWS) throw new SheetTooLarge(`表格最多 ${n(MAX_ROWS)} 行，这个文件有 ${n(rows)} 行（含空行：请删除末尾多余的行） / at most ${n(MAX_ROWS)} rows; this sheet has ${n(rows)}`);
  if (columns > MAX_COLUMNS) throw new SheetTooLarge(`表格最多 ${n(MAX_COLUMNS)} 列，这个文件有 ${n(columns)} 列（请删除多余的列） / at most ${n(MAX_COLUMNS)} columns; this sheet has ${n(columns)}`);
}
