// @auterity/react/data-table: the DataTable, an entry of its own because TanStack Table and
// TanStack Virtual weigh more than the rest of the kit together; apps that show no table don't ship them.
export * from '../components/data-table/index.js';
