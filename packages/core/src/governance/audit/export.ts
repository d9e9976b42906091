// JSONL and CSV exports. CSV cells that a spreadsheet would run as a formula (= + - @ tab CR) are
// prefixed with a quote, and every cell is quoted, so an exported log can't attack its reader.
import type { AuditEntry } from './chain.js';

export const csvColumns = ['seq', 'at', 'actorId', 'action', 'resource', 'data', 'prevHash', 'hash'] as const;

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(entry: AuditEntry): string {
  return csvColumns.map((column) => csvCell(entry[column])).join(',');
}

export const csvHeader = csvColumns.map(csvCell).join(',');
