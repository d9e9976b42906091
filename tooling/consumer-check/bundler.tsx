// A bundler consumer (moduleResolution bundler, as Vite, webpack and Next.js resolve): the React kit
// with its stylesheet, themed by @auterity/themes, talking to the engine through the typed client.
import '@auterity/react/styles.css';
import { createClient } from '@auterity/core/client';
import { AuterityProvider, Button, Tabs, TabsList, TabsTrigger } from '@auterity/react';
import { DataTable, type DataTableColumn } from '@auterity/react/data-table';
import { de } from '@auterity/react/locales';
import { createTheme } from '@auterity/themes';

interface Run {
  id: string;
  status: string;
}
const columns: DataTableColumn<Run>[] = [{ id: 'id', header: 'Run' }, { id: 'status', header: 'Status' }];
const client = createClient({ baseUrl: '/api' });
const theme = createTheme({ brand: '#7c3aed', mode: 'light' });

export function App({ runs }: { runs: Run[] }) {
  return (
    <AuterityProvider client={client} theme={theme} appearance={{ elements: { button: 'host-button' } }} locale="de" messages={de}>
      <Tabs defaultValue="runs">
        <TabsList>
          <TabsTrigger value="runs">Runs</TabsTrigger>
        </TabsList>
      </Tabs>
      <DataTable data={runs} columns={columns} caption="Runs" />
      <Button>Start</Button>
    </AuterityProvider>
  );
}
