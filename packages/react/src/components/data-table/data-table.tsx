import {
  columnFilteringFeature,
  columnVisibilityFeature,
  functionalUpdate,
  globalFilteringFeature,
  rowPaginationFeature,
  rowSelectionFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ColumnVisibilityState,
  type PaginationState,
  type RowSelectionState,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import {
  useContext,
  useDeferredValue,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { AppearanceContext, elementProps, type Modifiers } from '../../appearance/context.js';
import type { AppearanceElementKey } from '../../appearance/types.js';
import { useLocale, useTranslations } from '../../i18n/context.js';
import {
  ChevronEndIcon,
  ChevronsEndIcon,
  ChevronsStartIcon,
  ChevronStartIcon,
  ColumnsIcon,
  SearchIcon,
  SortIcon,
} from '../../internal/icons.js';
import { Button } from '../button/button.js';
import {
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuTrigger,
} from '../dropdown-menu/dropdown-menu.js';
import { Skeleton } from '../skeleton/skeleton.js';
import { DataTableRow, type RowColumn, type RowShared } from './data-table-row.js';
import { accessorOf, processRows } from './processing.js';
import type { DataTableColumn, DataTableProps, DataTableSort } from './types.js';
import { useRowWindow } from './use-row-window.js';

// TanStack Table v9 owns the table's state and column APIs: sorting, search, column visibility,
// row selection and pagination, in manual mode. It models no rows: ./processing.ts searches and
// sorts an index array (its client-side row models allocate several objects per row, 0.5-1 s at
// 100,000 rows), and the rows on screen (a page, or the virtualised window) render straight from
// the data as memoised <DataTableRow>s that reuse their elements as the window moves (renderRows).
// Registered once at module scope (v9: features must be stable).
const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  columnVisibilityFeature,
  rowSelectionFeature,
  rowPaginationFeature,
});
type Features = typeof features;
const NO_ROWS: never[] = [];

const DEFAULT_PAGE_SIZES = [10, 25, 50, 100] as const;
const EMPTY_SORTING: readonly DataTableSort[] = [];

function toColumnDefs<TData extends object>(columns: readonly DataTableColumn<TData>[]): ColumnDef<Features, TData>[] {
  return columns.map((column) => {
    return {
      id: column.id,
      header: column.header,
      accessorFn: accessorOf(column),
      enableSorting: column.sortable ?? true,
      sortDescFirst: column.sortDescFirst ?? false,
      enableGlobalFilter: column.searchable ?? true,
      enableHiding: column.hideable ?? true,
    } as ColumnDef<Features, TData>;
  });
}

function defaultRowId(row: object, index: number): string {
  const id = (row as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : String(index);
}

const toSelectionState = (ids: readonly string[]): RowSelectionState =>
  Object.fromEntries(ids.map((id) => [id, true as const]));

// useLayoutEffect warns during server rendering in React 18; nothing to lay out there anyway.
const useClientLayoutEffect = typeof document === 'undefined' ? useEffect : useLayoutEffect;

const cssLength = (value: number | string | undefined) => (typeof value === 'number' ? `${value}px` : value);

/**
 * A data table on TanStack Table: sorting (header buttons, `aria-sort`), search, pagination,
 * column visibility, row selection and, with `virtualized`, windowed rendering of 100,000+ rows.
 * Native table semantics throughout; rows are keyboard-navigable (arrow keys, Home/End,
 * PageUp/PageDown, Space selects, Enter activates). Classes `au-data-table` and its `__*` parts.
 */
export function DataTable<TData extends object>({
  data,
  columns,
  caption,
  hideCaption = false,
  getRowId = defaultRowId,
  getRowLabel,
  sortable = true,
  defaultSorting = EMPTY_SORTING,
  sorting: sortingProp,
  onSortingChange,
  searchable = true,
  columnToggle = true,
  selectable = false,
  selection: selectionProp,
  onSelectionChange,
  pageSize: initialPageSize = 10,
  pageSizeOptions = DEFAULT_PAGE_SIZES,
  virtualized = false,
  height = 480,
  rowHeight = 40,
  loading = false,
  emptyState,
  onRowActivate,
  toolbar,
  className,
  style,
}: DataTableProps<TData>) {
  const elements = useContext(AppearanceContext);
  // Classes and styles of the parts (useAppearance's, kept the same function while the appearance is).
  const el = useMemo(
    () => (key: AppearanceElementKey, modifiers?: Modifiers, extraClass?: string, extraStyle?: CSSProperties) =>
      elementProps(elements, key, modifiers, extraClass, extraStyle),
    [elements],
  );
  const t = useTranslations();
  const { locale } = useLocale();
  const captionId = useId();
  const paginationLabelId = useId();
  const hintId = useId();

  const columnDefs = useMemo(() => toColumnDefs(columns), [columns]);
  const columnsById = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);

  // State is owned here (React state), so TanStack's controlled slices and the public callbacks agree.
  const [sortingState, setSortingState] = useState<SortingState>(() => defaultSorting.map((s) => ({ ...s })));
  const sorting = (sortingProp as SortingState | undefined) ?? sortingState;
  const [search, setSearch] = useState('');
  const globalFilter = useDeferredValue(search);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: initialPageSize });
  const [columnVisibility, setColumnVisibility] = useState<ColumnVisibilityState>(() =>
    Object.fromEntries(columns.filter((c) => c.hidden).map((c) => [c.id, false])),
  );
  const [selectionState, setSelectionState] = useState<RowSelectionState>({});
  const controlledSelection = useMemo(() => selectionProp && toSelectionState(selectionProp), [selectionProp]);
  const rowSelection = controlledSelection ?? selectionState;
  const updateSelection = (next: RowSelectionState) => {
    if (!controlledSelection) setSelectionState(next);
    onSelectionChange?.(Object.keys(next).filter((id) => next[id]));
  };

  // ---- processing: search and sort all rows (an index array), then take a page or a window ----
  const searchColumns = useMemo(
    () => columns.filter((c) => c.searchable ?? true).map((c) => c.id),
    [columns],
  );
  const order = useMemo(
    () => processRows(data, columnsById, searchColumns, globalFilter, sortable ? sorting : [], locale),
    [data, columnsById, searchColumns, globalFilter, sorting, sortable, locale],
  );
  const totalRows = order ? order.length : data.length;
  const dataIndexAt = (position: number) => (order ? order[position]! : position);
  const pageCount = Math.max(1, Math.ceil(totalRows / pagination.pageSize));
  const pageIndex = Math.min(pagination.pageIndex, pageCount - 1);

  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const viewport = typeof height === 'number' ? height : 480;
  const rowWindow = useRowWindow({
    scrollRef,
    count: totalRows,
    rowHeight,
    initialHeight: viewport,
    // Rows beyond the viewport on each side: the next row for arrow keys and a frame of
    // compositor-driven scrolling, few enough that a frame renders little (5 cost ~10% more
    // main-thread time per scroll frame in `pnpm bench data-table`).
    overscan: 3,
    enabled: virtualized,
  });
  // Positions (0-based, in processed order) of the rows rendered now: a page or the window.
  const firstPosition = virtualized ? rowWindow.first : pageIndex * pagination.pageSize;
  const renderedCount = virtualized ? rowWindow.rendered : Math.max(0, Math.min(pagination.pageSize, totalRows - firstPosition));

  const table = useTable<Features, TData>({
    features,
    columns: columnDefs,
    data: NO_ROWS,
    state: { sorting, globalFilter: search, pagination: { pageIndex, pageSize: pagination.pageSize }, columnVisibility, rowSelection },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = functionalUpdate(updater, sorting);
      if (!sortingProp) setSortingState(next);
      onSortingChange?.(next.map(({ id, desc }) => ({ id, desc })));
    },
    onGlobalFilterChange: (updater: Updater<string>) => setSearch(functionalUpdate(updater, search) ?? ''),
    onPaginationChange: setPagination,
    onColumnVisibilityChange: setColumnVisibility,
    onRowSelectionChange: (updater: Updater<RowSelectionState>) => updateSelection(functionalUpdate(updater, rowSelection)),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    rowCount: totalRows,
    enableSorting: sortable,
    enableRowSelection: selectable,
    enableSubRowSelection: false,
    autoResetPageIndex: false,
  });

  const visibleColumns = table.getVisibleLeafColumns();
  const columnCount = visibleColumns.length + (selectable ? 1 : 0);
  const selectedCount = Object.keys(rowSelection).length;

  // Select-all covers every row the search matches, not just the rendered ones.
  const matchingSelected = useMemo(() => {
    if (!selectable || selectedCount === 0) return 0;
    let count = 0;
    for (let p = 0; p < totalRows; p++) {
      const i = order ? order[p]! : p;
      if (rowSelection[getRowId(data[i]!, i)]) count++;
    }
    return count;
  }, [selectable, selectedCount, rowSelection, data, order, totalRows, getRowId]);
  const allSelected = totalRows > 0 && matchingSelected === totalRows;
  const someSelected = matchingSelected > 0 && !allSelected;
  const toggleAll = () => {
    const next: RowSelectionState = { ...rowSelection };
    for (let p = 0; p < totalRows; p++) {
      const i = dataIndexAt(p);
      const id = getRowId(data[i]!, i);
      if (allSelected) delete next[id];
      else next[id] = true;
    }
    updateSelection(next);
  };

  const { paddingStart, paddingEnd } = rowWindow;

  // ---- keyboard navigation between rows (roving tabindex over positions) ----------------------
  const [activePosition, setActivePosition] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const rowElement = (position: number) =>
    bodyRef.current?.querySelector<HTMLElement>(`tr[data-index="${position}"]`) ?? null;
  const [minPosition, maxPosition] = virtualized ? [0, totalRows - 1] : [firstPosition, firstPosition + renderedCount - 1];
  const focusRow = (position: number) => {
    const target = Math.max(minPosition, Math.min(maxPosition, position));
    setActivePosition(target);
    const element = rowElement(target);
    if (element) element.focus();
    else if (virtualized) {
      pendingFocus.current = target;
      rowWindow.scrollToCenter(target);
    }
  };
  // The position of the row holding focus (the row or its checkbox), null when focus is elsewhere.
  const focusedPosition = useRef<number | null>(null);
  const onBodyFocus = (event: FocusEvent<HTMLTableSectionElement>) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>('tr[data-index]');
    focusedPosition.current = row ? Number(row.dataset.index) : null;
  };
  const onBodyBlur = (event: FocusEvent<HTMLTableSectionElement>) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) focusedPosition.current = null;
  };
  useClientLayoutEffect(() => {
    if (pendingFocus.current !== null) {
      const element = rowElement(pendingFocus.current);
      if (element) {
        pendingFocus.current = null;
        element.focus();
      }
    }
    // A focused row scrolled out of the window has handed its <tr> to another row (see renderRows):
    // let focus go, as it would if the element had been removed, rather than sit on another row.
    const focused = document.activeElement;
    if (focusedPosition.current === null || !(focused instanceof HTMLElement) || !bodyRef.current?.contains(focused)) return;
    if (focused.closest<HTMLElement>('tr[data-index]')?.dataset.index !== String(focusedPosition.current)) {
      focusedPosition.current = null;
      focused.blur();
    }
  });
  const tabbablePosition =
    activePosition >= firstPosition && activePosition < firstPosition + renderedCount ? activePosition : firstPosition;
  const pageStep = virtualized ? Math.max(1, Math.floor(viewport / rowHeight) - 1) : renderedCount;

  const onBodyKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const target = event.target as HTMLElement;
    if (target.tagName !== 'TR' || !target.dataset.index) return;
    const position = Number(target.dataset.index);
    const inWindow = position >= firstPosition && position < firstPosition + renderedCount;
    const row = inWindow ? data[dataIndexAt(position)] : undefined;
    const moves: Record<string, number> = {
      ArrowDown: position + 1,
      ArrowUp: position - 1,
      Home: minPosition,
      End: maxPosition,
      PageDown: position + pageStep,
      PageUp: position - pageStep,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      focusRow(next);
    } else if (event.key === ' ' && selectable && row) {
      event.preventDefault();
      toggleRow(getRowId(row, dataIndexAt(position)));
    } else if (event.key === 'Enter' && onRowActivate && row) {
      event.preventDefault();
      onRowActivate(row);
    }
  };

  // ---- rendering ------------------------------------------------------------------------------
  const toggleRow = (id: string) => {
    const next: RowSelectionState = { ...rowSelection };
    if (next[id]) delete next[id];
    else next[id] = true;
    updateSelection(next);
  };
  // Row handlers read the latest render's state, so the object rows share stays the same while scrolling.
  const latest = useRef({ toggleRow, toggleAll, onRowActivate, setActivePosition });
  useClientLayoutEffect(() => {
    latest.current = { toggleRow, toggleAll, onRowActivate, setActivePosition };
  });

  const visibleIds = visibleColumns.map((column) => column.id).join('\u0000');
  const interactive = Boolean(onRowActivate);
  const rowShared = useMemo((): RowShared<TData> => {
    const firstColumn = columns[0];
    const readFirst = firstColumn && accessorOf(firstColumn);
    const rowStyle = virtualized ? { blockSize: rowHeight } : undefined;
    const rowColumns: RowColumn<TData>[] = [];
    for (const id of visibleIds ? visibleIds.split('\u0000') : []) {
      const column = columnsById.get(id);
      if (!column) continue;
      const align = column.align && column.align !== 'start' && column.align;
      rowColumns.push({ id, cellProps: elementProps(elements, 'data-table__cell', [align]), read: accessorOf(column), cell: column.cell });
    }
    return {
      columns: rowColumns,
      rowProps: elementProps(elements, 'data-table__row', [interactive && 'interactive'], undefined, rowStyle),
      selectedRowProps: elementProps(elements, 'data-table__row', ['selected', interactive && 'interactive'], undefined, rowStyle),
      checkboxCellProps: elementProps(elements, 'data-table__cell', ['checkbox']),
      checkboxProps: elementProps(elements, 'data-table__checkbox'),
      selectable,
      interactive,
      selectLabel: (row, id) => {
        const first = readFirst?.(row);
        return t('dataTable.selectRow', { row: getRowLabel?.(row) ?? (first == null ? id : String(first)) });
      },
      onToggle: (id) => latest.current.toggleRow(id),
      onActivate: (row) => latest.current.onRowActivate?.(row),
      onFocusRow: (position) => latest.current.setActivePosition(position),
    };
  }, [elements, columns, columnsById, visibleIds, virtualized, rowHeight, interactive, selectable, t, getRowLabel]);

  // Rows are keyed by their position modulo the number of rows the page or window can hold, not
  // by row id: the positions on screen are consecutive, so a row keeps its <tr> for as long as it
  // stays on screen, and a row entering the window takes over the <tr> of one that left (a page
  // change or a sort updates rows in place the same way). Jumping a whole window (a fast scroll,
  // PageDown, End) then updates the text and attributes of the rows already there instead of
  // building a window of rows and tearing down as many; that churn (creation, removal from the
  // table, then garbage collection) was most of a scroll frame's cost.
  const slots = virtualized ? rowWindow.capacity : pagination.pageSize;
  const renderRows = () => {
    const rendered: ReactNode[] = [];
    for (let position = firstPosition; position < firstPosition + renderedCount; position++) {
      const index = dataIndexAt(position);
      const row = data[index]!;
      const id = getRowId(row, index);
      rendered.push(
        <DataTableRow
          key={position % slots}
          row={row}
          id={id}
          position={position}
          selected={rowSelection[id] === true}
          tabbable={position === tabbablePosition}
          shared={rowShared}
        />,
      );
    }
    return rendered;
  };

  // The toolbar, the header row and the status don't change while scrolling: each is worked out
  // again only when what it shows changes, so a scroll frame renders the body rows and little else.
  const sortedColumn = sorting[0];
  const sortedHeader = sortedColumn && columnsById.get(sortedColumn.id)?.header;
  const sortedDesc = Boolean(sortedColumn?.desc);
  const statusParts = useMemo(() => {
    const parts = [t('dataTable.rowCount', { count: totalRows })];
    if (selectable && selectedCount > 0) parts.push(t('dataTable.selectedCount', { count: selectedCount }));
    if (sortedHeader) {
      parts.push(
        t('dataTable.sortedBy', { column: sortedHeader, direction: t(sortedDesc ? 'dataTable.descending' : 'dataTable.ascending') }),
      );
    }
    return parts;
  }, [t, totalRows, selectable, selectedCount, sortedHeader, sortedDesc]);

  const toolbarElement = useMemo(() => {
    if (!searchable && !columnToggle && !toolbar) return null;
    const hideableColumns = columns.filter((column) => column.hideable ?? true);
    return (
      <div {...el('data-table__toolbar')}>
        {searchable && (
          <div {...el('data-table__search')}>
            <SearchIcon />
            <input
              type="search"
              {...el('data-table__search-input')}
              value={search}
              placeholder={t('dataTable.search')}
              aria-label={t('dataTable.searchLabel')}
              onChange={(event) => {
                setSearch(event.target.value);
                setPagination((p) => ({ ...p, pageIndex: 0 }));
              }}
            />
          </div>
        )}
        {toolbar}
        {columnToggle && hideableColumns.length > 0 && (
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm" {...el('data-table__columns-trigger')}>
                <ColumnsIcon />
                {t('dataTable.columns')}
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuLabel>{t('dataTable.toggleColumns')}</DropdownMenuLabel>
              {hideableColumns.map((column) => {
                const visible = columnVisibility[column.id] !== false;
                return (
                  <DropdownMenuCheckboxItem
                    key={column.id}
                    checked={visible}
                    disabled={visible && visibleColumns.length === 1}
                    onCheckedChange={(value) => setColumnVisibility((state) => ({ ...state, [column.id]: value === true }))}
                    onSelect={(event) => event.preventDefault()}
                  >
                    {column.header}
                  </DropdownMenuCheckboxItem>
                );
              })}
            </DropdownMenuContent>
          </DropdownMenu>
        )}
      </div>
    );
  }, [el, searchable, columnToggle, toolbar, search, t, columns, columnVisibility, visibleColumns]);

  const headerRow = useMemo(() => {
    return (
      <tr {...el('data-table__header-row')} aria-rowindex={1}>
        {selectable && (
          <th scope="col" {...el('data-table__header', ['checkbox'])}>
            <input
              type="checkbox"
              {...el('data-table__checkbox')}
              checked={allSelected}
              ref={(input) => {
                if (input) input.indeterminate = someSelected;
              }}
              disabled={totalRows === 0}
              aria-label={t('dataTable.selectAll')}
              onChange={() => latest.current.toggleAll()}
            />
          </th>
        )}
        {visibleColumns.map((column) => {
          const def = columnsById.get(column.id);
          const direction = column.getIsSorted();
          const canSort = sortable && column.getCanSort();
          const primary = sorting[0]?.id === column.id;
          return (
            <th
              key={column.id}
              scope="col"
              aria-sort={primary && direction ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}
              {...el('data-table__header', [def?.align && def.align !== 'start' && def.align, canSort && 'sortable'])}
            >
              {canSort ? (
                <button type="button" {...el('data-table__sort')} onClick={column.getToggleSortingHandler()}>
                  {def?.header ?? column.id}
                  <SortIcon sorted={direction} {...el('data-table__sort-icon', [direction || 'none'])} />
                </button>
              ) : (
                (def?.header ?? column.id)
              )}
            </th>
          );
        })}
      </tr>
    );
  }, [el, selectable, allSelected, someSelected, totalRows, t, visibleColumns, columnsById, sorting, sortable]);

  const from = totalRows === 0 ? 0 : firstPosition + 1;
  const to = firstPosition + renderedCount;
  let body: ReactNode;
  if (loading) {
    body = Array.from({ length: Math.min(virtualized ? Math.ceil(viewport / rowHeight) : pagination.pageSize, 10) }, (_, i) => (
      <tr key={`skeleton-${i}`} {...el('data-table__row', ['loading'])}>
        {Array.from({ length: columnCount }, (_cell, j) => (
          <td key={j} {...el('data-table__cell')}>
            <Skeleton width={j === 0 ? '60%' : '80%'} />
          </td>
        ))}
      </tr>
    ));
  } else if (totalRows === 0) {
    body = (
      <tr {...el('data-table__row', ['empty'])}>
        <td colSpan={columnCount} {...el('data-table__empty')}>
          {emptyState ?? t('dataTable.noResults')}
        </td>
      </tr>
    );
  } else if (virtualized) {
    body = (
      <>
        {paddingStart > 0 && (
          <tr aria-hidden="true" {...el('data-table__spacer')} style={{ blockSize: paddingStart }}>
            {/* oxlint-disable-next-line jsx-a11y/control-has-associated-label -- an empty, hidden spacer cell */}
            <td colSpan={columnCount} />
          </tr>
        )}
        {renderRows()}
        {paddingEnd > 0 && (
          <tr aria-hidden="true" {...el('data-table__spacer')} style={{ blockSize: paddingEnd }}>
            {/* oxlint-disable-next-line jsx-a11y/control-has-associated-label -- an empty, hidden spacer cell */}
            <td colSpan={columnCount} />
          </tr>
        )}
      </>
    );
  } else {
    body = renderRows();
  }

  return (
    <div {...el('data-table', [virtualized && 'virtualized'], className, style)}>
      {toolbarElement}
      <div
        ref={scrollRef}
        {...el('data-table__scroll', undefined, undefined, virtualized ? { blockSize: cssLength(height) } : undefined)}
      >
        <table
          {...el('data-table__table', [virtualized && 'fixed'])}
          aria-labelledby={captionId}
          aria-describedby={renderedCount > 0 ? hintId : undefined}
          aria-rowcount={loading ? undefined : totalRows + 1}
          aria-busy={loading || undefined}
        >
          <caption id={captionId} {...el('data-table__caption', [hideCaption && 'hidden'])}>
            {caption}
          </caption>
          <colgroup>
            {selectable && <col style={{ width: '2.75rem' }} />}
            {visibleColumns.map((column) => (
              <col key={column.id} style={{ width: cssLength(columnsById.get(column.id)?.width) }} />
            ))}
          </colgroup>
          <thead {...el('data-table__head')}>
            {headerRow}
          </thead>
          {/* Row keys are handled once here for every (focusable) row: see onBodyKeyDown. */}
          {/* oxlint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- delegated keyboard navigation of focusable rows */}
          <tbody ref={bodyRef} {...el('data-table__body')} onKeyDown={onBodyKeyDown} onFocus={onBodyFocus} onBlur={onBodyBlur}>
            {body}
          </tbody>
        </table>
      </div>
      <span id={hintId} hidden>
        {t('dataTable.keyboardHint')}
      </span>
      <div {...el('data-table__footer')}>
        <div {...el('data-table__status')}>
          {statusParts.slice(0, 2).join(' · ')}
          <output className="au-sr-only" aria-live="polite">
            {loading ? t('common.loading') : statusParts.join('. ')}
          </output>
        </div>
        {!virtualized && (
          <nav aria-labelledby={`${paginationLabelId} ${captionId}`} {...el('data-table__pagination')}>
            <span id={paginationLabelId} hidden>
              {t('dataTable.pagination')}
            </span>
            <label {...el('data-table__page-size')}>
              <span>{t('dataTable.rowsPerPage')}</span>
              <select
                value={pagination.pageSize}
                onChange={(event) => setPagination({ pageIndex: 0, pageSize: Number(event.target.value) })}
              >
                {pageSizeOptions.map((size) => (
                  <option key={size} value={size}>
                    {size}
                  </option>
                ))}
              </select>
            </label>
            <span {...el('data-table__page-info')}>
              <span>{t('dataTable.range', { from, to, total: totalRows })}</span>
              <span aria-hidden="true"> · </span>
              <span>{t('dataTable.pageOf', { page: pageIndex + 1, pageCount })}</span>
            </span>
            <Button variant="ghost" size="icon" aria-label={t('dataTable.firstPage')} disabled={!table.getCanPreviousPage()} onClick={() => table.firstPage()}>
              <ChevronsStartIcon />
            </Button>
            <Button variant="ghost" size="icon" aria-label={t('dataTable.previousPage')} disabled={!table.getCanPreviousPage()} onClick={() => table.previousPage()}>
              <ChevronStartIcon />
            </Button>
            <Button variant="ghost" size="icon" aria-label={t('dataTable.nextPage')} disabled={!table.getCanNextPage()} onClick={() => table.nextPage()}>
              <ChevronEndIcon />
            </Button>
            <Button variant="ghost" size="icon" aria-label={t('dataTable.lastPage')} disabled={!table.getCanNextPage()} onClick={() => table.lastPage()}>
              <ChevronsEndIcon />
            </Button>
          </nav>
        )}
      </div>
    </div>
  );
}
