import { randomBase62 } from '../../shared/ids.js';

/** Random once per process: ids from different processes never collide. */
const processTag = randomBase62(10);
let sequence = 0;

/**
 * A ledger row id that sorts in creation order within a process (wall-clock ms, then a counter),
 * so rows recorded at the same instant of an injected clock still list in the order they happened.
 * No randomness per id: it is minted on every consume, and the process tag already makes it unique.
 */
export function ledgerId(): string {
  sequence = (sequence + 1) % 1_679_616; // 36^4
  return `use_${Date.now().toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${processTag}`;
}
