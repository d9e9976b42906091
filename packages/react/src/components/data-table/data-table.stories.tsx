import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { makeRuns, type Run, type RunStatus } from '../../../stories/fixtures.js';
import { useFormatters } from '../../i18n/context.js';
import { Badge, type BadgeVariant } from '../badge/badge.js';
import { Button } from '../button/button.js';
import { EmptyState } from '../empty-state/empty-state.js';
import { DataTable } from './data-table.js';
import type { DataTableColumn } from './types.js';

const statusVariant: Record<RunStatus, BadgeVariant> = {
  succeeded: 'success',
  failed: 'destructive',
  running: 'default',
  queued: 'secondary',
  cancelled: 'outline',
};

const DateCell = ({ value }: { value: Date }) => <>{useFormatters().dateTime(value)}</>;
const CostCell = ({ value }: { value: number }) => <>{useFormatters().currency(value, 'USD')}</>;
const DurationCell = ({ value }: { value: number }) => <>{useFormatters().number(value / 1000, { maximumFractionDigits: 1 })} s</>;

const columns: DataTableColumn<Run>[] = [
  { id: 'id', header: 'Run', width: 130 },
  { id: 'workflow', header: 'Workflow' },
  { id: 'tenant', header: 'Tenant' },
  {
    id: 'status',
    header: 'Status',
    cell: (value) => <Badge variant={statusVariant[value as RunStatus]}>{String(value)}</Badge>,
  },
  { id: 'startedAt', header: 'Started', sortFn: 'datetime', sortDescFirst: true, searchable: false, cell: (value) => <DateCell value={value as Date} /> },
  { id: 'durationMs', header: 'Duration', align: 'end', searchable: false, hidden: true, cell: (value) => <DurationCell value={value as number} /> },
  { id: 'cost', header: 'Cost', align: 'end', searchable: false, sortDescFirst: true, cell: (value) => <CostCell value={value as number} /> },
];

const runs200 = makeRuns(200);
const runs10k = makeRuns(10_000);

const meta = {
  title: 'Components/DataTable',
  component: DataTable,
  args: { data: runs200, columns: columns as DataTableColumn<object>[], caption: 'Workflow runs' },
} satisfies Meta<typeof DataTable<object>>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Paginated: Story = {};

export const Selectable: Story = {
  render: (args) => {
    const [selection, setSelection] = useState<string[]>(['run_000002']);
    return (
      <DataTable
        {...(args as unknown as { data: Run[]; caption: string })}
        columns={columns}
        selectable
        selection={selection}
        onSelectionChange={setSelection}
        toolbar={
          <Button size="sm" variant="destructive" disabled={selection.length === 0}>
            Cancel selected
          </Button>
        }
      />
    );
  },
};

export const Virtualized: Story = {
  args: { data: runs10k, virtualized: true, height: 420, caption: 'All runs (10,000)' },
};

export const Loading: Story = {
  args: { loading: true },
};

export const Empty: Story = {
  args: {
    data: [],
    emptyState: <EmptyState title="No runs yet" description="Runs appear here when a workflow is triggered." />,
  },
};
