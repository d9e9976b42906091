import type { Meta, StoryObj } from '@storybook/react-vite';
import { Badge } from './badge.js';

const meta = {
  title: 'Components/Badge',
  component: Badge,
  args: { children: 'Pro', variant: 'default' },
} satisfies Meta<typeof Badge>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Playground: Story = {};

export const Variants: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: '0.5rem', flexWrap: 'wrap' }}>
      <Badge>Pro</Badge>
      <Badge variant="secondary">Trial</Badge>
      <Badge variant="outline">Draft</Badge>
      <Badge variant="success">Succeeded</Badge>
      <Badge variant="warning">Near limit</Badge>
      <Badge variant="destructive">Failed</Badge>
    </div>
  ),
};
