import type { Meta, StoryObj } from '@storybook/react-vite';
import { Card, CardContent, CardHeader } from '../card/card.js';
import { Skeleton } from './skeleton.js';

const meta = {
  title: 'Components/Skeleton',
  component: Skeleton,
} satisfies Meta<typeof Skeleton>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Shapes: Story = {
  render: () => (
    <div style={{ display: 'grid', gap: '0.75rem', maxInlineSize: '20rem' }}>
      <Skeleton shape="circle" width={40} />
      <Skeleton width="80%" />
      <Skeleton width="60%" />
      <Skeleton shape="block" />
    </div>
  ),
};

export const LoadingCard: Story = {
  render: () => (
    <Card as="section" aria-busy="true" aria-label="Loading usage" style={{ maxInlineSize: '24rem' }}>
      <CardHeader>
        <Skeleton width="50%" height="1.25rem" />
        <Skeleton width="80%" />
      </CardHeader>
      <CardContent>
        <Skeleton shape="block" />
      </CardContent>
    </Card>
  ),
};
