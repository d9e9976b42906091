import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import { Meter } from './meter.js';

const narrow: Decorator = (Story) => (
  <div style={{ maxInlineSize: '28rem' }}>
    <Story />
  </div>
);

const meta = {
  title: 'Components/Meter',
  component: Meter,
  args: { label: 'Executions this month', value: 2300, max: 5000 },
  decorators: [narrow],
} satisfies Meta<typeof Meter>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Playground: Story = {};

export const Thresholds: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: '1.25rem' }}>
      <Meter label="Seats" value={3} max={10} />
      <Meter label="Executions this month" value={4300} max={5000} />
      <Meter label="AI tokens this month" value={1_050_000} max={1_000_000} />
    </div>
  ),
};

export const Unlimited: Story = {
  args: { label: 'API calls this month', value: 182_000, max: null },
};

export const Progress: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: '1.25rem' }}>
      <Meter kind="progress" label="Importing contacts" value={64} valueText="64%" />
      <Meter kind="progress" label="Preparing export" value={null} />
    </div>
  ),
};
