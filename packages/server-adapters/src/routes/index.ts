// Every route module, in one list. An engine domain adds its routes by adding its module here
// (e.g. `workflowRoutes` from ./workflows.js); the router, auth, OpenAPI document and isolation
// suite pick them up from this list.
import { aiRoutes } from './ai.js';
import { apiKeyRoutes } from './api-keys.js';
import { billingRoutes } from './billing.js';
import { governanceRoutes } from './governance.js';
import { invitationRoutes } from './invitations.js';
import { memberRoutes } from './members.js';
import { metaRoutes } from './meta.js';
import type { Route } from './route.js';
import { workflowRoutes } from './workflows.js';

export const routeModules: readonly (readonly Route[])[] = [metaRoutes, memberRoutes, invitationRoutes, apiKeyRoutes, governanceRoutes, workflowRoutes, billingRoutes, aiRoutes];

export const defaultRoutes: readonly Route[] = routeModules.flat();

export { defineRoute } from './route.js';
export type { HttpMethod, Route, RouteContext, RouteResult, RouteSpec } from './route.js';
