// The embedded default: no payments. Checkout subscribes at once (with the plan's trial), there is
// no portal, no webhooks and nothing to report usage to.
import { AuterityError } from '../../errors.js';
import type { SubscriptionsApi } from '../subscriptions/subscriptions.js';
import type { BillingProvider } from './types.js';

export function createLocalProvider(subscriptionsFor: (tenantId: string) => SubscriptionsApi): BillingProvider {
  return {
    name: 'local',
    pushPlans: async () => ({ created: [], updated: [], unchanged: [] }),
    async checkout(request) {
      const subscription = await subscriptionsFor(request.tenantId).subscribe(request.planId, request.interval ? { interval: request.interval } : {});
      return { url: null, id: null, subscription };
    },
    portal: async () => ({ url: null }),
    handleWebhook: async () => {
      throw new AuterityError('not_found', 'The local billing provider receives no webhooks; set STRIPE_SECRET_KEY to use Stripe.');
    },
    reportUsage: async () => ({ reported: 0, failed: 0 }),
  };
}
