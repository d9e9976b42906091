// Every primitive on one page: the Theme Editor's live preview and the "Foundations/Gallery" story.
import { useId } from 'react';
import {
  Badge,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardTitle,
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
  EmptyState,
  Meter,
  Skeleton,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  Tooltip,
} from '../src/index.js';
import { DataTable, type DataTableColumn } from '../src/data-table/index.js';
import { makeRuns, type Run } from './fixtures.js';

const runs = makeRuns(24);
const columns: DataTableColumn<Run>[] = [
  { id: 'id', header: 'Run' },
  { id: 'workflow', header: 'Workflow' },
  { id: 'status', header: 'Status' },
  { id: 'cost', header: 'Cost', align: 'end', cell: (value) => `$${(value as number).toFixed(2)}` },
];

const row = { display: 'flex', flexWrap: 'wrap', gap: '0.5rem', alignItems: 'center' } as const;

export function Gallery({ headingLevel = 2 }: { headingLevel?: 2 | 3 }) {
  const H = `h${headingLevel}` as 'h2';
  const id = useId();
  return (
    <div style={{ display: 'grid', gap: '1.5rem' }}>
      <section aria-labelledby={`${id}-actions`} style={{ display: 'grid', gap: '0.75rem' }}>
        <H id={`${id}-actions`} style={{ margin: 0, fontSize: 'var(--au-text-base)' }}>
          Actions and status
        </H>
        <div style={row}>
          <Button>Primary</Button>
          <Button variant="secondary">Secondary</Button>
          <Button variant="outline">Outline</Button>
          <Button variant="ghost">Ghost</Button>
          <Button variant="destructive">Destructive</Button>
          <Button loading>Saving</Button>
        </div>
        <div style={row}>
          <Badge>Pro</Badge>
          <Badge variant="secondary">Trial</Badge>
          <Badge variant="outline">Draft</Badge>
          <Badge variant="success">Succeeded</Badge>
          <Badge variant="warning">Near limit</Badge>
          <Badge variant="destructive">Failed</Badge>
        </div>
        <div style={row}>
          <Tooltip content="Runs are kept for 30 days">
            <Button variant="outline" size="sm">
              Tooltip
            </Button>
          </Tooltip>
          <Dialog>
            <DialogTrigger asChild>
              <Button variant="outline" size="sm">
                Dialog
              </Button>
            </DialogTrigger>
            <DialogContent size="sm">
              <DialogHeader>
                <DialogTitle>Upgrade to Business?</DialogTitle>
                <DialogDescription>50,000 executions a month and every integration.</DialogDescription>
              </DialogHeader>
              <DialogFooter>
                <DialogClose asChild>
                  <Button variant="outline">Not now</Button>
                </DialogClose>
                <DialogClose asChild>
                  <Button>Upgrade</Button>
                </DialogClose>
              </DialogFooter>
            </DialogContent>
          </Dialog>
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="sm">
                Menu
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent>
              <DropdownMenuItem>Run now</DropdownMenuItem>
              <DropdownMenuItem>Duplicate</DropdownMenuItem>
              <DropdownMenuItem variant="destructive">Delete</DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </div>
      </section>
      <div style={{ display: 'grid', gap: '1rem', gridTemplateColumns: 'repeat(auto-fit, minmax(16rem, 1fr))' }}>
        <Card>
          <CardHeader>
            <CardTitle as={`h${headingLevel + 1}` as 'h3'}>Pro plan</CardTitle>
            <CardDescription>Renews on 1 July.</CardDescription>
          </CardHeader>
          <CardContent style={{ display: 'grid', gap: '1rem' }}>
            <Meter label="Executions" value={2300} max={5000} />
            <Meter label="Seats" value={9} max={10} />
            <Meter label="AI tokens" value={1_020_000} max={1_000_000} />
          </CardContent>
          <CardFooter>
            <Button size="sm">Upgrade</Button>
          </CardFooter>
        </Card>
        <Card>
          <CardContent>
            <Tabs defaultValue="usage">
              <TabsList aria-label="Analytics">
                <TabsTrigger value="usage">Usage</TabsTrigger>
                <TabsTrigger value="roi">ROI</TabsTrigger>
              </TabsList>
              <TabsContent value="usage" style={{ display: 'grid', gap: '0.5rem' }}>
                <Skeleton width="70%" />
                <Skeleton width="90%" />
                <Skeleton shape="block" />
              </TabsContent>
              <TabsContent value="roi">Saved 41 hours this month.</TabsContent>
            </Tabs>
          </CardContent>
        </Card>
        <EmptyState headingLevel={(headingLevel + 1) as 3} title="No approvals waiting" description="Requests that need your approval show up here." />
      </div>
      <DataTable data={runs} columns={columns} caption="Recent runs" pageSize={5} pageSizeOptions={[5, 10]} selectable />
    </div>
  );
}
