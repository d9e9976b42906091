import type { Meta, StoryObj } from '@storybook/react-vite';
import { Button } from '../button/button.js';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from './dialog.js';

const meta = {
  title: 'Components/Dialog',
  component: Dialog,
} satisfies Meta<typeof Dialog>;

export default meta;
type Story = StoryObj<typeof meta>;

const Example = ({ defaultOpen = false }: { defaultOpen?: boolean }) => (
  <Dialog defaultOpen={defaultOpen}>
    <DialogTrigger asChild>
      <Button variant="destructive">Cancel subscription</Button>
    </DialogTrigger>
    <DialogContent>
      <DialogHeader>
        <DialogTitle>Cancel your subscription?</DialogTitle>
        <DialogDescription>
          Your workspace moves to the Free plan at the end of the billing period. Workflows above the Free limits
          are paused.
        </DialogDescription>
      </DialogHeader>
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Keep Pro</Button>
        </DialogClose>
        <DialogClose asChild>
          <Button variant="destructive">Cancel subscription</Button>
        </DialogClose>
      </DialogFooter>
    </DialogContent>
  </Dialog>
);

export const Closed: Story = { render: () => <Example /> };

export const Open: Story = { render: () => <Example defaultOpen /> };
