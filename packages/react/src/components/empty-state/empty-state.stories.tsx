import type { Meta, StoryObj } from '@storybook/react-vite';
import { Button } from '../button/button.js';
import { EmptyState } from './empty-state.js';

const meta = {
  title: 'Components/EmptyState',
  component: EmptyState,
  args: { title: 'No workflows yet', description: 'Workflows run your automations. Start from a template or build one from scratch.' },
} satisfies Meta<typeof EmptyState>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Basic: Story = {};

export const WithActions: Story = {
  args: {
    icon: '⚡',
    actions: (
      <>
        <Button>Create workflow</Button>
        <Button variant="outline">Browse templates</Button>
      </>
    ),
  },
};
