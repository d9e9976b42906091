// Row processing for DataTable: search and sort over an index array, so 100,000 rows cost one
// number per row instead of a row object per row. TanStack Table owns the state (sorting,
// search, visibility, selection, pagination) in manual mode and models only the rows on screen.
import type { DataTableColumn, DataTableSort } from './types.js';

type Accessor<TData> = (row: TData) => unknown;

export function accessorOf<TData>(column: DataTableColumn<TData>): Accessor<TData> {
  const { accessor = column.id } = column;
  return typeof accessor === 'function' ? accessor : (row) => (row as Record<string, unknown>)[accessor as string];
}

/**
 * Positions of the rows to show, as indexes into `data`, after search and sort; `null` means
 * "all rows in data order" (nothing to do, nothing allocated).
 */
export function processRows<TData>(
  data: readonly TData[],
  columnsById: ReadonlyMap<string, DataTableColumn<TData>>,
  searchColumns: readonly string[],
  search: string,
  sorting: readonly DataTableSort[],
  locale: string,
): number[] | null {
  let order: number[] | null = null;

  const needle = search.trim().toLocaleLowerCase(locale);
  if (needle) {
    const accessors = searchColumns.flatMap((id) => {
      const column = columnsById.get(id);
      return column ? [accessorOf(column)] : [];
    });
    order = [];
    for (let i = 0; i < data.length; i++) {
      const row = data[i]!;
      for (const read of accessors) {
        const value = read(row);
        if (value != null && String(value).toLocaleLowerCase(locale).includes(needle)) {
          order.push(i);
          break;
        }
      }
    }
  }

  const sorts = sorting.filter((sort) => columnsById.has(sort.id));
  if (sorts.length === 0) return order;
  order ??= Array.from({ length: data.length }, (_, i) => i);
  const comparators = sorts.map((sort) => comparatorFor(data, order!, columnsById.get(sort.id)!, sort.desc, locale));
  order.sort((a, b) => {
    for (const compare of comparators) {
      const result = compare(a, b);
      if (result !== 0) return result;
    }
    return a - b; // stable: data order breaks ties
  });
  return order;
}

const isEmpty = (value: unknown) => value === null || value === undefined || value === '';
const numeric = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'boolean' ? Number(v) : (v as number));

function comparatorFor<TData>(
  data: readonly TData[],
  order: readonly number[],
  column: DataTableColumn<TData>,
  desc: boolean,
  locale: string,
): (a: number, b: number) => number {
  const direction = desc ? -1 : 1;
  const { sortFn } = column;
  if (typeof sortFn === 'function') return (a, b) => direction * sortFn(data[a]!, data[b]!);

  // Read each value once (a sort compares every row ~17 times at 100,000 rows).
  const read = accessorOf(column);
  const values: unknown[] = Array.from({ length: data.length });
  for (const i of order) values[i] = read(data[i]!);

  let kind = sortFn ?? 'auto';
  if (kind === 'auto') {
    const sample = order.map((i) => values[i]).find((value) => !isEmpty(value));
    kind = typeof sample === 'string' ? 'alphanumeric' : sample instanceof Date ? 'datetime' : 'basic';
  }
  let compareValues: (x: unknown, y: unknown) => number;
  if (kind === 'alphanumeric' || kind === 'text') {
    const collator = new Intl.Collator(locale, { numeric: kind === 'alphanumeric', sensitivity: 'base' });
    compareValues = (x, y) => collator.compare(String(x), String(y));
  } else {
    compareValues = (x, y) => {
      const p = numeric(x);
      const q = numeric(y);
      return p < q ? -1 : p > q ? 1 : 0;
    };
  }
  // Empty values sort last in both directions.
  return (a, b) => {
    const x = values[a];
    const y = values[b];
    const xEmpty = isEmpty(x);
    const yEmpty = isEmpty(y);
    if (xEmpty || yEmpty) return xEmpty === yEmpty ? 0 : xEmpty ? 1 : -1;
    return direction * compareValues(x, y);
  };
}
