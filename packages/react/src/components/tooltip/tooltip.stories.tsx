import type { Decorator, Meta, StoryObj } from '@storybook/react-vite';
import { Button } from '../button/button.js';
import { Tooltip } from './tooltip.js';

const padded: Decorator = (Story) => (
  <div style={{ paddingBlock: '3rem', paddingInline: '2rem' }}>
    <Story />
  </div>
);

const meta = {
  title: 'Components/Tooltip',
  component: Tooltip,
  args: { content: 'Runs are kept for 30 days on your plan', children: <Button variant="outline">Retention</Button> },
  decorators: [padded],
} satisfies Meta<typeof Tooltip>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Hover: Story = {};

export const Open: Story = { args: { defaultOpen: true } };

export const Sides: Story = {
  render: () => (
    <div style={{ display: 'flex', gap: '1rem' }}>
      {(['top', 'right', 'bottom', 'left'] as const).map((side) => (
        <Tooltip key={side} side={side} content={`On the ${side}`}>
          <Button variant="secondary">{side}</Button>
        </Tooltip>
      ))}
    </div>
  ),
};
