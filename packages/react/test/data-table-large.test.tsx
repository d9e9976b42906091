// The virtualised DataTable with 100,000 rows: a small window of rows follows the scroll position
// (timings are a benchmark, not a test: `pnpm bench data-table`), selection works across the window
// and scrolled-away rows keep their state.
import { expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { DataTable, type DataTableColumn } from '../src/data-table/index.js';
import { AuterityProvider } from '../src/index.js';
import { makeRuns, type Run } from '../stories/fixtures.js';
import { render } from './render.js';
import './styles.js';

const columns: DataTableColumn<Run>[] = [
  { id: 'id', header: 'Run', width: 120 },
  { id: 'workflow', header: 'Workflow' },
  { id: 'status', header: 'Status' },
  { id: 'durationMs', header: 'Duration (ms)', align: 'end' },
];
const ROW_HEIGHT = 40;
const bodyRows = () => [...document.querySelectorAll<HTMLElement>('tbody tr[data-index]')];
const indexes = () => bodyRows().map((row) => Number(row.dataset.index));
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

test('100,000 rows: the rendered window follows scrolling through 10,000 rows and stays small', async () => {
  const data = makeRuns(100_000);
  await render(
    <AuterityProvider>
      <DataTable data={data} columns={columns} caption="Runs" virtualized height={480} rowHeight={ROW_HEIGHT} selectable />
    </AuterityProvider>,
  );
  expect(page.getByRole('table').element().getAttribute('aria-rowcount')).toBe('100001');
  const scroller = document.querySelector<HTMLElement>('.au-data-table__scroll')!;
  expect(scroller.scrollHeight).toBeGreaterThan(100_000 * ROW_HEIGHT);

  let largest = 0;
  for (let row = 0; row <= 10_000; row += 1_250) {
    scroller.scrollTop = row * ROW_HEIGHT;
    await vi.waitFor(() => expect(indexes()).toContain(row));
    const window = indexes();
    largest = Math.max(largest, window.length);
    // Contiguous, in order, each row at its aria-rowindex and showing its own data.
    expect(window).toEqual(window.map((_, i) => window[0]! + i));
    const first = bodyRows().find((r) => Number(r.dataset.index) === row)!;
    expect(first.getAttribute('aria-rowindex')).toBe(String(row + 2));
    expect(first.textContent).toContain(data[row]!.id);
    await nextFrame();
  }
  expect(largest).toBeLessThan(40);

  // Selection sticks to a row by id while it scrolls out of the window and back.
  scroller.scrollTop = 5_000 * ROW_HEIGHT;
  await vi.waitFor(() => expect(indexes()).toContain(5_000));
  const checkbox = page.getByRole('checkbox', { name: `Select row ${data[5_000]!.id}` });
  await userEvent.click(checkbox);
  await expect.element(checkbox).toBeChecked();
  scroller.scrollTop = 0;
  await vi.waitFor(() => expect(indexes()).toContain(0));
  expect(bodyRows().some((row) => row.dataset.state === 'selected')).toBe(false);
  scroller.scrollTop = 5_000 * ROW_HEIGHT;
  await vi.waitFor(() => expect(indexes()).toContain(5_000));
  await expect.element(checkbox).toBeChecked();
  expect(bodyRows().filter((row) => row.dataset.state === 'selected').map((row) => Number(row.dataset.index))).toEqual([5_000]);
});
