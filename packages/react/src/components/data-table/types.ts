import type { CSSProperties, ReactNode } from 'react';

/** One column of a `DataTable`. */
export interface DataTableColumn<TData> {
  /** Stable id: the key of sorting and visibility state. Also the default accessor (`row[id]`). */
  id: string;
  /** Header text, also used in the column menu and for screen readers. */
  header: string;
  /** Reads the cell value: a property name or a function. Default: `row[id]`. */
  accessor?: (keyof TData & string) | ((row: TData) => unknown);
  /** Renders the cell. Default: the value as text (`null`/`undefined` render empty). */
  cell?: (value: unknown, row: TData) => ReactNode;
  /** Default `true` (when the table is sortable). */
  sortable?: boolean;
  /** Comparison for sorting: a built-in name or an ascending comparator of two rows. Default: by value type. */
  sortFn?: 'alphanumeric' | 'text' | 'basic' | 'datetime' | ((a: TData, b: TData) => number);
  /** First click sorts descending (useful for numbers and dates). */
  sortDescFirst?: boolean;
  /** Whether the search box matches this column. Default `true`. */
  searchable?: boolean;
  /** Whether the column menu can hide it. Default `true`. */
  hideable?: boolean;
  /** Hidden until shown from the column menu. */
  hidden?: boolean;
  /** Cell alignment. Numbers usually read best at `end`. Default `start`. */
  align?: 'start' | 'center' | 'end';
  /** Column width (CSS length or pixels). */
  width?: number | string;
}

export interface DataTableSort {
  id: string;
  desc: boolean;
}

export interface DataTableProps<TData> {
  /** The rows. Keep the array stable between renders (state or memo); a new array re-processes every row. */
  data: readonly TData[];
  /** Keep this array stable too (module scope or memo). */
  columns: readonly DataTableColumn<TData>[];
  /** The accessible name of the table, shown as its caption. */
  caption: string;
  /** Keeps the caption for assistive technology only. */
  hideCaption?: boolean;
  /** A stable id per row (used by selection). Default: `row.id` when it is a string or number, else the index. */
  getRowId?: (row: TData, index: number) => string;
  /** Text naming a row for its checkbox ("Select row Acme"). Default: the first column's value. */
  getRowLabel?: (row: TData) => string;
  /** Header buttons sort by a column (Shift-click adds a column). Default `true`. */
  sortable?: boolean;
  /** Initial sort (uncontrolled). */
  defaultSorting?: readonly DataTableSort[];
  /** Controlled sort; pass with `onSortingChange`. */
  sorting?: readonly DataTableSort[];
  onSortingChange?: (sorting: DataTableSort[]) => void;
  /** Shows a search box that filters rows across searchable columns. Default `true`. */
  searchable?: boolean;
  /** Shows a menu to show and hide columns. Default `true`. */
  columnToggle?: boolean;
  /** Adds a checkbox column. Default `false`. */
  selectable?: boolean;
  /** Controlled selection (row ids); pass with `onSelectionChange`. */
  selection?: readonly string[];
  onSelectionChange?: (selectedIds: string[]) => void;
  /** Rows per page; the page size choices are `pageSizeOptions`. Default 10. Ignored when virtualized. */
  pageSize?: number;
  /** Default `[10, 25, 50, 100]`. */
  pageSizeOptions?: readonly number[];
  /**
   * Renders only the rows in view (for thousands of rows) in a scrolling body of `height` instead of
   * pages. Rows have a fixed height (`rowHeight`) and their text does not wrap.
   */
  virtualized?: boolean;
  /** Height of the scrolling body when virtualized (CSS length or pixels). Default 480. */
  height?: number | string;
  /** Row height in pixels when virtualized. Default 40. */
  rowHeight?: number;
  /** Shows skeleton rows and marks the table busy. */
  loading?: boolean;
  /** What to show when there are no rows (before or after filtering). Default: a "No results" message. */
  emptyState?: ReactNode;
  /** Called on Enter on a focused row, or a click on a row. */
  onRowActivate?: (row: TData) => void;
  /** Extra content for the toolbar (filters, actions). */
  toolbar?: ReactNode;
  className?: string;
  style?: CSSProperties;
}
