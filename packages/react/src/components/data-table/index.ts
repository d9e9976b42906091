export { DataTable } from './data-table.js';
export type { DataTableColumn, DataTableProps, DataTableSort } from './types.js';
