import type { Meta, StoryObj } from '@storybook/react-vite';
import { Tabs, TabsContent, TabsList, TabsTrigger } from './tabs.js';

const meta = {
  title: 'Components/Tabs',
  component: Tabs,
} satisfies Meta<typeof Tabs>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Horizontal: Story = {
  render: () => (
    <Tabs defaultValue="overview">
      <TabsList aria-label="Workflow">
        <TabsTrigger value="overview">Overview</TabsTrigger>
        <TabsTrigger value="runs">Runs</TabsTrigger>
        <TabsTrigger value="settings">Settings</TabsTrigger>
        <TabsTrigger value="audit" disabled>
          Audit
        </TabsTrigger>
      </TabsList>
      <TabsContent value="overview">Runs every weekday at 09:00 Berlin time.</TabsContent>
      <TabsContent value="runs">1,204 runs this month, 3 failed.</TabsContent>
      <TabsContent value="settings">Retries: 5, exponential backoff.</TabsContent>
      <TabsContent value="audit">Audit log.</TabsContent>
    </Tabs>
  ),
};

export const Vertical: Story = {
  render: () => (
    <Tabs defaultValue="billing" orientation="vertical">
      <TabsList aria-label="Settings">
        <TabsTrigger value="billing">Billing</TabsTrigger>
        <TabsTrigger value="members">Members</TabsTrigger>
        <TabsTrigger value="api">API keys</TabsTrigger>
      </TabsList>
      <TabsContent value="billing">Pro plan, billed monthly.</TabsContent>
      <TabsContent value="members">4 of 10 seats used.</TabsContent>
      <TabsContent value="api">2 active keys.</TabsContent>
    </Tabs>
  ),
};
