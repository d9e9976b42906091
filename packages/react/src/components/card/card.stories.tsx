import type { Meta, StoryObj } from '@storybook/react-vite';
import { Badge } from '../badge/badge.js';
import { Button } from '../button/button.js';
import { Meter } from '../meter/meter.js';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from './card.js';

const meta = {
  title: 'Components/Card',
  component: Card,
} satisfies Meta<typeof Card>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Basic: Story = {
  render: () => (
    <Card style={{ maxInlineSize: '24rem' }}>
      <CardHeader>
        <CardTitle>Welcome workflow</CardTitle>
        <CardDescription>Sends a welcome email when a lead scores above 10.</CardDescription>
      </CardHeader>
      <CardContent>Last run 3 minutes ago.</CardContent>
    </Card>
  ),
};

export const PlanCard: Story = {
  render: () => (
    <Card as="section" aria-labelledby="plan-title" style={{ maxInlineSize: '24rem' }}>
      <CardHeader>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <CardTitle id="plan-title">Pro plan</CardTitle>
          <Badge variant="success">Active</Badge>
        </div>
        <CardDescription>Renews on 1 July.</CardDescription>
      </CardHeader>
      <CardContent>
        <Meter label="Executions this month" value={4100} max={5000} />
      </CardContent>
      <CardFooter>
        <Button>Upgrade</Button>
        <Button variant="ghost">Compare plans</Button>
      </CardFooter>
    </Card>
  ),
};
