// Tables for notebooks and the report: HTML for rich front-ends, aligned plain text everywhere else.
// Cells are formatted when the table is built, so a Table is plain, serialisable data.
import { escapeHtml } from './theme';

export type Align = 'left' | 'right' | 'center';
export type Cell = string | number | null | undefined;

export interface TableColumn {
  label: string;
  /** Default: right for numeric columns, left otherwise. */
  align?: Align;
  /** Fixed decimals for numbers in this column (default: up to 4 significant digits). */
  decimals?: number;
}

export interface Table {
  kind: 'table';
  caption: string;
  columns: { label: string; align: Align }[];
  /** Formatted cells, one array per row. */
  cells: string[][];
  /** Lines under the table (sources, what the ± means…). */
  notes: string[];
}

export interface TableOptions {
  caption: string;
  columns: (string | TableColumn)[];
  rows: Cell[][];
  notes?: string[];
}

function formatCell(v: Cell, decimals: number | undefined): string {
  if (v == null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
    if (decimals !== undefined) return v.toFixed(decimals);
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  }
  return String(v);
}

/** One number of decimals per column (what 4 significant digits need, at most 4), so the points line up. */
function sharedDecimals(rows: Cell[][], j: number): number | undefined {
  let decimals = 0;
  for (const r of rows) {
    const v = r[j];
    if (typeof v !== 'number' || !Number.isFinite(v) || Number.isInteger(v)) continue;
    const text = String(Number(v.toPrecision(4)));
    if (text.includes('e')) return undefined; // tiny or huge values keep their own format
    decimals = Math.max(decimals, (text.split('.')[1] ?? '').length);
  }
  return Math.min(decimals, 4);
}

export function table(opts: TableOptions): Table {
  if (typeof opts.caption !== 'string' || opts.caption.trim() === '') throw new Error('table: caption must be a non-empty string (every table says what it shows).');
  if (!Array.isArray(opts.columns) || opts.columns.length === 0) throw new Error('table: columns must be a non-empty array of labels or {label, align?, decimals?}.');
  const cols = opts.columns.map((c) => (typeof c === 'string' ? { label: c } : c) as TableColumn);
  opts.rows.forEach((r, i) => {
    if (!Array.isArray(r) || r.length !== cols.length) throw new Error(`table "${opts.caption}": row ${i} has ${Array.isArray(r) ? r.length : 'no'} cells, expected ${cols.length} (one per column).`);
  });
  const numeric = cols.map((_, j) => opts.rows.length > 0 && opts.rows.every((r) => r[j] == null || typeof r[j] === 'number'));
  return {
    kind: 'table',
    caption: opts.caption,
    columns: cols.map((c, j) => ({ label: c.label, align: c.align ?? (numeric[j] ? 'right' : 'left') })),
    cells: opts.rows.map((r) => r.map((v, j) => formatCell(v, cols[j].decimals ?? sharedDecimals(opts.rows, j)))),
    notes: opts.notes ?? [],
  };
}

export function isTable(x: unknown): x is Table {
  return typeof x === 'object' && x !== null && (x as Table).kind === 'table';
}

// Single quotes inside: this goes into a double-quoted style attribute.
const TABLE_CSS = "border-collapse:collapse;font-family:'Helvetica Neue',Helvetica,Arial,sans-serif;font-size:13px;margin:6px 0;";

export function tableToHtml(t: Table): string {
  const cell = (tag: 'th' | 'td', text: string, align: Align) =>
    `<${tag} style="text-align:${align};padding:4px 10px;border-bottom:1px solid ${tag === 'th' ? '#444' : '#ddd'};${tag === 'th' ? 'font-weight:600;' : ''}">${escapeHtml(text)}</${tag}>`;
  const head = `<tr>${t.columns.map((c) => cell('th', c.label, c.align)).join('')}</tr>`;
  const body = t.cells.map((r) => `<tr>${r.map((v, j) => cell('td', v, t.columns[j].align)).join('')}</tr>`).join('\n');
  const notes = t.notes.map((n) => `<div style="font-size:12px;color:#555;margin-top:2px">${escapeHtml(n)}</div>`).join('');
  return (
    `<div class="atlas-table"><table style="${TABLE_CSS}">` +
    `<caption style="caption-side:top;text-align:left;font-weight:600;padding:4px 0">${escapeHtml(t.caption)}</caption>` +
    `<thead>${head}</thead><tbody>\n${body}\n</tbody></table>${notes}</div>`
  );
}

/** Display width of a string: code points, not UTF-16 units (so '—', '±', 'β₁' count as one). */
function width(s: string): number {
  return [...s].length;
}

function pad(s: string, w: number, align: Align): string {
  const gap = w - width(s);
  if (align === 'right') return ' '.repeat(gap) + s;
  if (align === 'center') return ' '.repeat(Math.floor(gap / 2)) + s + ' '.repeat(Math.ceil(gap / 2));
  return s + ' '.repeat(gap);
}

export function tableToText(t: Table): string {
  const widths = t.columns.map((c, j) => Math.max(width(c.label), ...t.cells.map((r) => width(r[j]))));
  const line = (cells: string[]) => cells.map((v, j) => pad(v, widths[j], t.columns[j].align)).join('  ').trimEnd();
  return [
    t.caption,
    line(t.columns.map((c) => c.label)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...t.cells.map(line),
    ...t.notes,
  ].join('\n');
}
