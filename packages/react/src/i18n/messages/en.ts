/**
 * The English catalog is the source of truth for message keys: every other locale must provide the
 * same keys (the type checker enforces it). `{name}` is a placeholder; an object value holds plural
 * forms chosen with `Intl.PluralRules` (`zero`, `one`, `two`, `few`, `many`, `other`).
 */
export const en = {
  'common.close': 'Close',
  'common.loading': 'Loading…',
  'meter.valueText': '{value} of {max}',
  'meter.unlimited': '{value} used, unlimited',
  'dataTable.search': 'Search…',
  'dataTable.searchLabel': 'Search rows',
  'dataTable.columns': 'Columns',
  'dataTable.toggleColumns': 'Show or hide columns',
  'dataTable.selectAll': 'Select all rows',
  'dataTable.selectRow': 'Select row {row}',
  'dataTable.noResults': 'No results.',
  'dataTable.rowsPerPage': 'Rows per page',
  'dataTable.pageOf': 'Page {page} of {pageCount}',
  'dataTable.firstPage': 'First page',
  'dataTable.previousPage': 'Previous page',
  'dataTable.nextPage': 'Next page',
  'dataTable.lastPage': 'Last page',
  'dataTable.pagination': 'Pagination',
  'dataTable.range': '{from}–{to} of {total}',
  'dataTable.rowCount': { one: '{count} row', other: '{count} rows' },
  'dataTable.selectedCount': { one: '{count} row selected', other: '{count} rows selected' },
  'dataTable.sortedBy': 'Sorted by {column}, {direction}',
  'dataTable.ascending': 'ascending',
  'dataTable.descending': 'descending',
  'dataTable.keyboardHint': 'Use the arrow keys to move between rows',
} as const;
