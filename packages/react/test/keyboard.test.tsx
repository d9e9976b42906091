// Keyboard use of the Radix-based primitives, with real key presses (vitest browser userEvent,
// driven through Playwright in Chromium).
import { describe, expect, test, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  AuterityProvider,
  Button,
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
  DropdownMenu,
  DropdownMenuCheckboxItem,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  Tooltip,
} from '../src/index.js';
import { de } from '../src/locales/index.js';
import { render } from './render.js';
import './styles.js';

const active = () => document.activeElement as HTMLElement | null;

function TabsFixture({ locale }: { locale?: string }) {
  return (
    <AuterityProvider locale={locale}>
      <Tabs defaultValue="overview">
        <TabsList aria-label="Workflow">
          <TabsTrigger value="overview">Overview</TabsTrigger>
          <TabsTrigger value="runs">Runs</TabsTrigger>
          <TabsTrigger value="locked" disabled>
            Locked
          </TabsTrigger>
          <TabsTrigger value="settings">Settings</TabsTrigger>
        </TabsList>
        <TabsContent value="overview">Overview panel</TabsContent>
        <TabsContent value="runs">Runs panel</TabsContent>
        <TabsContent value="locked">Locked panel</TabsContent>
        <TabsContent value="settings">Settings panel</TabsContent>
      </Tabs>
    </AuterityProvider>
  );
}

describe('Tabs', () => {
  test('Tab focuses the selected tab; arrows, Home and End move and select, skipping disabled tabs', async () => {
    await render(<TabsFixture />);
    await userEvent.tab();
    await expect.element(page.getByRole('tab', { name: 'Overview' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(page.getByRole('tab', { name: 'Runs' })).toHaveFocus();
    await expect.element(page.getByRole('tab', { name: 'Runs' })).toHaveAttribute('aria-selected', 'true');
    await expect.element(page.getByRole('tabpanel')).toHaveTextContent('Runs panel');
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(page.getByRole('tab', { name: 'Settings' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(page.getByRole('tab', { name: 'Overview' })).toHaveFocus(); // wraps around
    await userEvent.keyboard('{End}');
    await expect.element(page.getByRole('tab', { name: 'Settings' })).toHaveFocus();
    await userEvent.keyboard('{Home}');
    await expect.element(page.getByRole('tab', { name: 'Overview' })).toHaveFocus();
    await expect.element(page.getByRole('tabpanel')).toHaveTextContent('Overview panel');
    await userEvent.tab();
    expect(active()?.getAttribute('role')).toBe('tabpanel');
  });

  test('in right-to-left locales ArrowLeft moves to the next tab', async () => {
    await render(<TabsFixture locale="ar" />);
    expect(document.querySelector('.au-root')?.getAttribute('dir')).toBe('rtl');
    await userEvent.tab();
    await expect.element(page.getByRole('tab', { name: 'Overview' })).toHaveFocus();
    await userEvent.keyboard('{ArrowLeft}');
    await expect.element(page.getByRole('tab', { name: 'Runs' })).toHaveFocus();
    await userEvent.keyboard('{ArrowRight}');
    await expect.element(page.getByRole('tab', { name: 'Overview' })).toHaveFocus();
  });
});

function DialogFixture({ onConfirm }: { onConfirm: () => void }) {
  return (
    <AuterityProvider locale="de" messages={de}>
      <Button variant="outline">Before</Button>
      <Dialog>
        <DialogTrigger asChild>
          <Button>Open settings</Button>
        </DialogTrigger>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Workflow settings</DialogTitle>
            <DialogDescription>Retries and timeouts.</DialogDescription>
          </DialogHeader>
          <label>
            Retries <input defaultValue="5" />
          </label>
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
            <DialogClose asChild>
              <Button onClick={onConfirm}>Save</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </AuterityProvider>
  );
}

describe('Dialog', () => {
  test('opens with Enter, traps focus, closes with Escape and returns focus to the trigger', async () => {
    await render(<DialogFixture onConfirm={() => {}} />);
    await userEvent.tab();
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: 'Open settings' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const dialog = page.getByRole('dialog', { name: 'Workflow settings' });
    await expect.element(dialog).toBeVisible();
    await expect.element(dialog).toHaveAccessibleDescription('Retries and timeouts.');
    // Portalled into the kit's themed portal root, not bare <body>.
    expect(dialog.element().closest('.au-root.au-portal')).not.toBeNull();
    // Focus starts inside and stays inside through a full Tab cycle (input, Cancel, Save, close).
    await vi.waitFor(() => expect(dialog.element().contains(active())).toBe(true));
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      await userEvent.tab();
      expect(dialog.element().contains(active())).toBe(true);
      seen.add(active()!.getAttribute('aria-label') ?? active()!.textContent ?? '');
    }
    expect(seen).toContain('Schließen'); // the localised close button
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('dialog')).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Open settings' })).toHaveFocus();
  });

  test('a close button activated with Space runs its action and closes', async () => {
    const onConfirm = vi.fn<() => void>();
    await render(<DialogFixture onConfirm={onConfirm} />);
    await userEvent.click(page.getByRole('button', { name: 'Open settings' }));
    await expect.element(page.getByRole('dialog')).toBeVisible();
    page.getByRole('button', { name: 'Save' }).element().focus();
    await userEvent.keyboard(' ');
    await expect.element(page.getByRole('dialog')).not.toBeInTheDocument();
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});

function MenuFixture({ onRun, onDelete, onNotify }: { onRun: () => void; onDelete: () => void; onNotify: (v: boolean) => void }) {
  return (
    <AuterityProvider>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline">Actions</Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent>
          <DropdownMenuItem onSelect={onRun}>Run now</DropdownMenuItem>
          <DropdownMenuItem disabled>Export</DropdownMenuItem>
          <DropdownMenuCheckboxItem checked={false} onCheckedChange={(v) => onNotify(v === true)}>
            Notify on failure
          </DropdownMenuCheckboxItem>
          <DropdownMenuItem variant="destructive" onSelect={onDelete}>
            Delete
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
    </AuterityProvider>
  );
}

describe('DropdownMenu', () => {
  test('opens from the keyboard, skips disabled items, selects with Enter and returns focus', async () => {
    const onRun = vi.fn<() => void>();
    const onDelete = vi.fn<() => void>();
    await render(<MenuFixture onRun={onRun} onDelete={onDelete} onNotify={() => {}} />);
    await userEvent.tab();
    await expect.element(page.getByRole('button', { name: 'Actions' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    const menu = page.getByRole('menu');
    await expect.element(menu).toBeVisible();
    expect(menu.element().closest('.au-root.au-portal')).not.toBeNull();
    await expect.element(page.getByRole('menuitem', { name: 'Run now' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Notify on failure' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menuitem', { name: 'Delete' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('menu')).not.toBeInTheDocument();
    expect(onDelete).toHaveBeenCalledTimes(1);
    expect(onRun).not.toHaveBeenCalled();
    await expect.element(page.getByRole('button', { name: 'Actions' })).toHaveFocus();
  });

  test('ArrowDown opens it, typeahead jumps, Space toggles a checkbox item, Escape closes', async () => {
    const onNotify = vi.fn<(checked: boolean) => void>();
    await render(<MenuFixture onRun={() => {}} onDelete={() => {}} onNotify={onNotify} />);
    await userEvent.tab();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menu')).toBeVisible();
    await expect.element(page.getByRole('menuitem', { name: 'Run now' })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    await expect.element(page.getByRole('menuitemcheckbox', { name: 'Notify on failure' })).toHaveFocus();
    await userEvent.keyboard(' ');
    await vi.waitFor(() => expect(onNotify).toHaveBeenCalledWith(true));
    // Selecting an item closes the menu and puts focus back on the trigger; Enter reopens it.
    await expect.element(page.getByRole('menu')).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Actions' })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    await expect.element(page.getByRole('menu')).toBeVisible();
    await userEvent.keyboard('d'); // typeahead
    await expect.element(page.getByRole('menuitem', { name: 'Delete' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('menu')).not.toBeInTheDocument();
    await expect.element(page.getByRole('button', { name: 'Actions' })).toHaveFocus();
  });
});

describe('Tooltip', () => {
  test('shows on keyboard focus, describes its trigger and hides on Escape', async () => {
    await render(
      <AuterityProvider>
        <Tooltip content="Kept for 30 days" delayDuration={0}>
          <Button variant="outline">Retention</Button>
        </Tooltip>
      </AuterityProvider>,
    );
    await userEvent.tab();
    const trigger = page.getByRole('button', { name: 'Retention' });
    await expect.element(trigger).toHaveFocus();
    await expect.element(page.getByRole('tooltip')).toHaveTextContent('Kept for 30 days');
    await expect.element(trigger).toHaveAccessibleDescription('Kept for 30 days');
    await userEvent.keyboard('{Escape}');
    await expect.element(page.getByRole('tooltip')).not.toBeInTheDocument();
  });
});
