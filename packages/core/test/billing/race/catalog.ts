import { definePlans } from '../../../src/index.js';

/** One plan with a limit of 1,000 executions a month: what the race suite fights over. */
export const raceCatalog = definePlans({
  features: { executions: { type: 'metered', period: 'month' } },
  plans: [{ id: 'race', name: 'Race', monthly: 0, features: { executions: 1_000 } }],
});
