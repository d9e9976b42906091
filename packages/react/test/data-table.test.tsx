// DataTable behaviour: sorting (aria-sort), search, pagination, column visibility, selection and
// keyboard navigation, paginated and virtualised.
import { useState } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { makeRuns, type Run } from '../stories/fixtures.js';
import { DataTable, type DataTableColumn, type DataTableProps, type DataTableSort } from '../src/data-table/index.js';
import { AuterityProvider } from '../src/index.js';
import { de } from '../src/locales/index.js';
import { render } from './render.js';
import './styles.js';

const columns: DataTableColumn<Run>[] = [
  { id: 'id', header: 'Run' },
  { id: 'workflow', header: 'Workflow' },
  { id: 'tenant', header: 'Tenant' },
  { id: 'cost', header: 'Cost', align: 'end', searchable: false, cell: (value) => `$${(value as number).toFixed(2)}` },
  { id: 'durationMs', header: 'Duration', hidden: true, searchable: false },
];
const runs = makeRuns(57);

function Table(props: Partial<DataTableProps<Run>>) {
  return (
    <AuterityProvider>
      <DataTable data={runs} columns={columns} caption="Runs" {...props} />
    </AuterityProvider>
  );
}

const bodyRows = () => [...document.querySelectorAll<HTMLTableRowElement>('tbody tr:not(.au-data-table__spacer)')];
const columnValues = (index: number) => bodyRows().map((row) => row.cells[index]!.textContent ?? '');
const header = (name: string) => page.getByRole('columnheader', { name });
const status = () => document.querySelector('.au-data-table__status output[aria-live="polite"]')!.textContent;

function Controlled() {
  const [selection, setSelection] = useState<string[]>(['run_000001']);
  return (
    <AuterityProvider>
      <button type="button" onClick={() => setSelection([])}>
        Clear
      </button>
      <DataTable data={runs} columns={columns} caption="Runs" selectable selection={selection} onSelectionChange={setSelection} />
    </AuterityProvider>
  );
}

describe('DataTable', () => {
  test('renders native table semantics: caption, column headers, row count and row indexes', async () => {
    await render(<Table pageSize={10} />);
    const table = page.getByRole('table', { name: 'Runs' });
    await expect.element(table).toBeVisible();
    await expect.element(table).toHaveAccessibleDescription('Use the arrow keys to move between rows');
    expect(table.element().getAttribute('aria-rowcount')).toBe('58');
    expect(document.querySelectorAll('thead th[scope="col"]')).toHaveLength(4); // Duration starts hidden
    expect(bodyRows()).toHaveLength(10);
    expect(bodyRows()[0]!.getAttribute('aria-rowindex')).toBe('2');
    expect(columnValues(3)[0]).toMatch(/^\$\d+\.\d\d$/); // custom cell renderer
    expect(status()).toContain('57 rows');
  });

  test('header buttons sort ascending, then descending, then not at all, with aria-sort', async () => {
    const onSortingChange = vi.fn<(sorting: DataTableSort[]) => void>();
    await render(<Table pageSize={100} onSortingChange={onSortingChange} />);
    const sortButton = page.getByRole('button', { name: 'Cost' });
    const original = columnValues(3);
    const numeric = () => columnValues(3).map((v) => Number(v.slice(1)));

    await userEvent.click(sortButton);
    await expect.element(header('Cost')).toHaveAttribute('aria-sort', 'ascending');
    expect(numeric()).toEqual([...numeric()].sort((a, b) => a - b));
    expect(onSortingChange).toHaveBeenLastCalledWith([{ id: 'cost', desc: false }]);
    expect(status()).toContain('Sorted by Cost, ascending');

    await userEvent.click(sortButton);
    await expect.element(header('Cost')).toHaveAttribute('aria-sort', 'descending');
    expect(numeric()).toEqual([...numeric()].sort((a, b) => b - a));

    await userEvent.click(sortButton);
    await expect.element(header('Cost')).not.toHaveAttribute('aria-sort');
    expect(columnValues(3)).toEqual(original);
  });

  test('sorting works from the keyboard (Tab to the header button, Enter)', async () => {
    await render(<Table pageSize={100} searchable={false} columnToggle={false} />);
    await userEvent.tab(); // Run
    await userEvent.tab(); // Workflow
    await expect.element(page.getByRole('button', { name: 'Workflow' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(header('Workflow')).toHaveAttribute('aria-sort', 'ascending');
    const values = columnValues(1);
    expect(values).toEqual([...values].sort((a, b) => a.localeCompare(b)));
  });

  test('search filters rows across searchable columns and resets to the first page', async () => {
    await render(<Table pageSize={10} />);
    await userEvent.click(page.getByRole('button', { name: 'Next page' }));
    await expect.element(page.getByText('Page 2 of 6')).toBeVisible();
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search rows' }), 'ACME');
    const expected = runs.filter((r) => r.tenant === 'acme').length;
    await vi.waitFor(() => expect(status()).toContain(`${expected} rows`));
    expect(columnValues(2).every((tenant) => tenant === 'acme')).toBe(true);
    await expect.element(page.getByText('Page 1 of')).toBeVisible();
    await userEvent.fill(page.getByRole('searchbox', { name: 'Search rows' }), 'no such thing');
    await expect.element(page.getByText('No results.')).toBeVisible();
  });

  test('paginates with first/previous/next/last buttons and a page size select', async () => {
    await render(<Table pageSize={10} />);
    await expect.element(page.getByText('1–10 of 57')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Previous page' })).toBeDisabled();
    await userEvent.click(page.getByRole('button', { name: 'Last page' }));
    await expect.element(page.getByText('51–57 of 57')).toBeVisible();
    expect(bodyRows()).toHaveLength(7);
    await expect.element(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await userEvent.click(page.getByRole('button', { name: 'Previous page' }));
    await expect.element(page.getByText('Page 5 of 6')).toBeVisible();
    await userEvent.selectOptions(page.getByRole('combobox', { name: 'Rows per page' }), '25');
    await expect.element(page.getByText('Page 1 of 3')).toBeVisible();
    expect(bodyRows()).toHaveLength(25);
    const nav = page.getByRole('navigation', { name: 'Pagination Runs' });
    await expect.element(nav).toBeVisible();
  });

  test('the column menu shows and hides columns (keyboard)', async () => {
    await render(<Table pageSize={10} />);
    const trigger = page.getByRole('button', { name: 'Columns' });
    trigger.element().focus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Duration' })).toHaveAttribute('aria-checked', 'false');
    // Opened from the keyboard, the menu moves focus to its first item; arrows typed before that
    // would land on the trigger.
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Run' })).toHaveFocus();
    // The menu moves focus on an arrow, Home or End in a timer after the key: a key typed before it
    // fires acts on the item that still has focus, so each waits for the focus to arrive.
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Workflow' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Tenant' })).toHaveFocus();
    await userEvent.keyboard(' ');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Tenant' })).toHaveAttribute('aria-checked', 'false');
    await userEvent.keyboard('{End}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Duration' })).toHaveFocus();
    await userEvent.keyboard(' ');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Duration' })).toHaveAttribute('aria-checked', 'true');
    await userEvent.keyboard('{Escape}');
    await expect.element(header('Tenant')).not.toBeInTheDocument();
    await expect.element(header('Duration')).toBeVisible();
    expect(bodyRows()[0]!.cells).toHaveLength(4);
  });

  test('row selection: checkboxes, select all (indeterminate) and the selection callback', async () => {
    const onSelectionChange = vi.fn<(ids: string[]) => void>();
    await render(<Table pageSize={10} selectable onSelectionChange={onSelectionChange} getRowLabel={(r) => r.id} />);
    await userEvent.click(page.getByRole('checkbox', { name: 'Select row run_000002' }));
    expect(onSelectionChange).toHaveBeenLastCalledWith(['run_000002']);
    const all = page.getByRole('checkbox', { name: 'Select all rows' });
    await expect.element(all).not.toBeChecked();
    expect((all.element() as HTMLInputElement).indeterminate).toBe(true);
    expect(bodyRows()[1]!.classList).toContain('au-data-table__row--selected');
    expect(status()).toContain('1 row selected');
    await userEvent.click(all);
    await expect.element(all).toBeChecked();
    expect(onSelectionChange.mock.lastCall![0]).toHaveLength(57);
    expect(status()).toContain('57 rows selected');
  });

  test('controlled selection follows the prop', async () => {
    await render(<Controlled />);
    await expect.element(page.getByRole('checkbox', { name: 'Select row run_000001' })).toBeChecked();
    await userEvent.click(page.getByRole('button', { name: 'Clear' }));
    await expect.element(page.getByRole('checkbox', { name: 'Select row run_000001' })).not.toBeChecked();
  });

  test('rows are keyboard-navigable: arrows, Home/End, Space selects, Enter activates', async () => {
    const onRowActivate = vi.fn<(row: Run) => void>();
    await render(<Table pageSize={10} selectable onRowActivate={onRowActivate} />);
    bodyRows()[0]!.focus();
    expect(bodyRows()[0]!.tabIndex).toBe(0);
    expect(bodyRows()[1]!.tabIndex).toBe(-1); // one tab stop for the whole body
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(bodyRows()[1]);
    await userEvent.keyboard('{End}');
    expect(document.activeElement).toBe(bodyRows()[9]);
    await userEvent.keyboard('{ArrowDown}'); // stays on the last row of the page
    expect(document.activeElement).toBe(bodyRows()[9]);
    await userEvent.keyboard('{Home}');
    expect(document.activeElement).toBe(bodyRows()[0]);
    await userEvent.keyboard(' ');
    await expect.element(page.getByRole('checkbox', { name: `Select row ${runs[0]!.id}` })).toBeChecked();
    await userEvent.keyboard('{Enter}');
    expect(onRowActivate).toHaveBeenCalledWith(runs[0]);
    // Tab leaves the body (one tab stop), Shift+Tab comes back to the same row.
    await userEvent.tab();
    expect(bodyRows()).not.toContain(document.activeElement);
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(bodyRows()[0]);
  });

  test('virtualised: 10,000 rows render only a window; End and Home jump with focus', async () => {
    const data = makeRuns(10_000);
    await render(<Table data={data} virtualized height={400} rowHeight={40} />);
    expect(page.getByRole('table').element().getAttribute('aria-rowcount')).toBe('10001');
    expect(bodyRows().length).toBeGreaterThan(5);
    expect(bodyRows().length).toBeLessThan(40);
    expect(document.querySelector('.au-data-table__pagination')).toBeNull();
    bodyRows()[0]!.focus();
    await userEvent.keyboard('{End}');
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-rowindex')).toBe('10001'));
    expect(document.activeElement?.textContent).toContain('run_010000');
    expect(bodyRows().length).toBeLessThan(40);
    await userEvent.keyboard('{ArrowUp}');
    expect(document.activeElement?.getAttribute('aria-rowindex')).toBe('10000');
    await userEvent.keyboard('{Home}');
    await vi.waitFor(() => expect(document.activeElement?.getAttribute('aria-rowindex')).toBe('2'));
    await userEvent.keyboard('{PageDown}');
    const index = Number(document.activeElement?.getAttribute('aria-rowindex'));
    expect(index).toBeGreaterThan(5);
    // Sorting re-orders all 10,000 rows, not just the rendered window.
    await userEvent.click(page.getByRole('button', { name: 'Run' }));
    await userEvent.click(page.getByRole('button', { name: 'Run' }));
    await expect.element(header('Run')).toHaveAttribute('aria-sort', 'descending');
    await vi.waitFor(() => expect(bodyRows()[0]!.textContent).toContain('run_010000'));
  });

  test('loading shows skeleton rows and marks the table busy; no data shows the empty state', async () => {
    const { rerender } = await render(<Table loading />);
    expect(page.getByRole('table').element().getAttribute('aria-busy')).toBe('true');
    expect(document.querySelectorAll('tbody .au-skeleton').length).toBeGreaterThan(0);
    await rerender(<Table data={[]} emptyState={<p>Nothing ran yet</p>} />);
    await expect.element(page.getByText('Nothing ran yet')).toBeVisible();
    await expect.element(page.getByRole('checkbox')).not.toBeInTheDocument();
  });

  test('speaks the provider locale', async () => {
    await render(
      <AuterityProvider locale="de" messages={de}>
        <DataTable data={runs} columns={columns} caption="Läufe" pageSize={10} selectable />
      </AuterityProvider>,
    );
    await expect.element(page.getByRole('searchbox', { name: 'Zeilen durchsuchen' })).toBeVisible();
    await expect.element(page.getByText('Seite 1 von 6')).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Nächste Seite' })).toBeVisible();
    expect(status()).toContain('57 Zeilen');
  });
});
