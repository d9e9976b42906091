import { memo, type ReactNode } from 'react';
import type { ElementProps } from '../../appearance/context.js';

/** A visible column as rows render it: its class/style worked out once per table render, not per cell. */
export interface RowColumn<TData> {
  id: string;
  cellProps: ElementProps;
  read: (row: TData) => unknown;
  cell?: (value: unknown, row: TData) => ReactNode;
}

/**
 * What every row shares. One object per table configuration, so rows re-render when the table's
 * look or behaviour changes, not on every scroll; the handlers read the table's latest state.
 */
export interface RowShared<TData> {
  columns: readonly RowColumn<TData>[];
  rowProps: ElementProps;
  selectedRowProps: ElementProps;
  checkboxCellProps: ElementProps;
  checkboxProps: ElementProps;
  selectable: boolean;
  interactive: boolean;
  selectLabel: (row: TData, id: string) => string;
  onToggle: (id: string) => void;
  onActivate: (row: TData) => void;
  onFocusRow: (position: number) => void;
}

interface DataTableRowProps<TData> {
  row: TData;
  id: string;
  position: number;
  selected: boolean;
  tabbable: boolean;
  shared: RowShared<TData>;
}

const stopPropagation = (event: { stopPropagation(): void }) => event.stopPropagation();

function DataTableRowImpl<TData>({ row, id, position, selected, tabbable, shared }: DataTableRowProps<TData>) {
  const { className, style } = selected ? shared.selectedRowProps : shared.rowProps;
  return (
    <tr
      data-index={position}
      aria-rowindex={position + 2}
      tabIndex={tabbable ? 0 : -1}
      onFocus={(event) => event.target === event.currentTarget && shared.onFocusRow(position)}
      onClick={shared.interactive ? () => shared.onActivate(row) : undefined}
      data-state={selected ? 'selected' : undefined}
      className={className}
      style={style}
    >
      {shared.selectable && (
        <td {...shared.checkboxCellProps}>
          <input
            type="checkbox"
            {...shared.checkboxProps}
            checked={selected}
            aria-label={shared.selectLabel(row, id)}
            onChange={() => shared.onToggle(id)}
            onClick={stopPropagation}
            tabIndex={-1}
          />
        </td>
      )}
      {shared.columns.map((column) => {
        const value = column.read(row);
        return (
          <td key={column.id} {...column.cellProps}>
            {column.cell ? column.cell(value, row) : value == null ? '' : String(value)}
          </td>
        );
      })}
    </tr>
  );
}

/**
 * One body row, memoised: a row whose props are unchanged is not rendered again (a selection
 * change re-renders only the toggled row). Its props are primitives plus the shared object; its
 * element is reused for whichever row takes its slot in the window (see `renderRows`).
 */
export const DataTableRow = memo(DataTableRowImpl) as typeof DataTableRowImpl;
