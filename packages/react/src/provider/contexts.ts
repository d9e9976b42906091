import { createContext, useContext } from 'react';

/**
 * The HTTP client the provider was given. Typed as any object until `@auterity/core/client`
 * ships its `AuterityClient`; data-bound components narrow it.
 */
export type AuterityClientLike = object;

export const ClientContext = createContext<AuterityClientLike | undefined>(undefined);

/**
 * Internal: the themed element that dialogs, menus and tooltips portal into. `null` while the
 * provider mounts it; `undefined` outside a provider (content then goes to `document.body`).
 */
export const PortalContext = createContext<HTMLElement | null | undefined>(undefined);

/** The client passed to `<AuterityProvider client>`, or `undefined`. */
export function useAuterityClient<T extends AuterityClientLike = AuterityClientLike>(): T | undefined {
  return useContext(ClientContext) as T | undefined;
}

/** Internal: where portalled content goes (see PortalContext). */
export function usePortalContainer(): HTMLElement | null | undefined {
  return useContext(PortalContext);
}
