export { AuterityProvider, type AuterityProviderProps } from './auterity-provider.js';
export { useAuterityClient, type AuterityClientLike } from './contexts.js';
