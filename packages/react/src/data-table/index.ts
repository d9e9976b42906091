// @auterity/react/data-table: the DataTable, an entry of its own so that apps that show no table
// don't ship TanStack Table.
export * from '../components/data-table/index.js';
