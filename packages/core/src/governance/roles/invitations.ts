// Invitations to join a tenant with given roles. The token is self-describing and signed with the
// engine secret (HMAC-SHA256), expires, and can be accepted once: acceptance is a conditional
// update in the store, so two concurrent accepts cannot both succeed. The invitee joins before the
// invitation is consumed, so a join that fails (no seat left, the email already a member) leaves
// the token usable rather than spent.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AuterityError } from '../../errors.js';
import { parseWith } from '../validation.js';
import { roleNameSchema } from './roles.js';

export interface Invitation {
  tenantId: string;
  id: string;
  email: string;
  roles: string[];
  invitedBy: string;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedBy: string | null;
  revokedAt: number | null;
}

export interface InvitationStore {
  insert(invitation: Invitation): Promise<void>;
  get(tenantId: string, id: string): Promise<Invitation | undefined>;
  list(tenantId: string): Promise<Invitation[]>;
  /** Marks an open (not accepted, not revoked) invitation accepted; false when it was not open. */
  markAccepted(tenantId: string, id: string, at: number, acceptedBy: string): Promise<boolean>;
  markRevoked(tenantId: string, id: string, at: number): Promise<boolean>;
}

export const invitationRequestSchema = z.strictObject({
  email: z.email(),
  roles: z.array(roleNameSchema).min(1, 'needs at least one role'),
  invitedBy: z.string().min(1),
  /** Lifetime of the token; default 7 days, at most 30. */
  expiresInMs: z.number().int().positive().max(30 * 24 * 3600 * 1000).default(7 * 24 * 3600 * 1000),
});

export type InvitationRequest = z.input<typeof invitationRequestSchema>;

/**
 * Makes the invitee a member of the invitation's tenant; resolves with what reverts that when the
 * invitation turns out to be consumed by someone else meanwhile (nothing when it added no one).
 */
export type InvitationJoin = (invitation: Invitation) => Promise<(() => Promise<void>) | undefined>;

export interface InvitationAcceptance {
  invitation: Invitation;
  /** Whether this accept consumed the invitation; false when the same acceptor's earlier or concurrent one did. */
  consumed: boolean;
}

export interface Invitations {
  create(tenantId: string, request: InvitationRequest): Promise<{ invitation: Invitation; token: string }>;
  /**
   * Checks signature, expiry, revocation and single use, runs `join`, then consumes the invitation.
   * A `join` that throws leaves the invitation open. Accepting again as the one who accepted it
   * resolves with the accepted invitation (`consumed: false`) without running `join`; anyone else
   * gets a conflict.
   */
  accept(token: string, acceptedBy: string, join?: InvitationJoin): Promise<InvitationAcceptance>;
  revoke(tenantId: string, id: string): Promise<boolean>;
  list(tenantId: string): Promise<Invitation[]>;
}

export interface InvitationOptions {
  /** The engine secret; at least 32 characters. */
  secret: string;
  store: InvitationStore;
  now?: () => number;
}

const tokenPayloadSchema = z.object({ t: z.string(), i: z.string(), e: z.number() });

export const alreadyAccepted = () => new AuterityError('conflict', 'invitation was already accepted');
const invalidToken = (reason: string) => new AuterityError('invalid_input', `invitation token is invalid: ${reason}`, { issues: [{ path: 'token', message: reason }] });

export function createInvitations(options: InvitationOptions): Invitations {
  if (options.secret.length < 32) throw new AuterityError('invalid_options', 'invitations: secret must be at least 32 characters');
  const now = options.now ?? Date.now;
  // A key of its own, derived from the engine secret, so invitation signatures can't be replayed elsewhere.
  const key = createHmac('sha256', options.secret).update('auterity:invitations:v1').digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  return {
    async create(tenantId, input) {
      const request = parseWith(invitationRequestSchema, input, 'invitation');
      const createdAt = now();
      const invitation: Invitation = {
        tenantId,
        id: `inv_${randomBytes(12).toString('base64url')}`,
        email: request.email.toLowerCase(),
        roles: request.roles,
        invitedBy: request.invitedBy,
        createdAt,
        expiresAt: createdAt + request.expiresInMs,
        acceptedAt: null,
        acceptedBy: null,
        revokedAt: null,
      };
      await options.store.insert(invitation);
      const payload = Buffer.from(JSON.stringify({ t: tenantId, i: invitation.id, e: invitation.expiresAt })).toString('base64url');
      return { invitation, token: `${payload}.${sign(payload)}` };
    },
    async accept(token, acceptedBy, join) {
      const [payload, signature, extra] = typeof token === 'string' ? token.split('.') : [];
      if (!payload || !signature || extra !== undefined) throw invalidToken('malformed');
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidToken('bad signature');
      let claims: z.infer<typeof tokenPayloadSchema>;
      try {
        claims = tokenPayloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      } catch {
        throw invalidToken('malformed');
      }
      const at = now();
      if (claims.e <= at) throw invalidToken('expired');
      const invitation = await options.store.get(claims.t, claims.i);
      if (!invitation) throw new AuterityError('not_found', 'invitation not found');
      if (invitation.revokedAt !== null) throw invalidToken('revoked');
      if (invitation.acceptedAt !== null) {
        // A retry by the one who accepted it (its answer lost, or a concurrent accept of theirs
        // consumed it first) gets the accepted invitation; `join` does not run again.
        if (invitation.acceptedBy === acceptedBy) return { invitation, consumed: false };
        throw alreadyAccepted();
      }
      const undo = join ? await join(invitation) : undefined;
      if (!(await options.store.markAccepted(claims.t, claims.i, at, acceptedBy))) {
        const current = await options.store.get(claims.t, claims.i);
        // The same person's concurrent accept consumed it: the membership stands.
        if (current && current.acceptedAt !== null && current.acceptedBy === acceptedBy) return { invitation: current, consumed: false };
        if (undo) await undo();
        throw current?.revokedAt != null ? invalidToken('revoked') : alreadyAccepted();
      }
      return { invitation: { ...invitation, acceptedAt: at, acceptedBy }, consumed: true };
    },
    revoke: (tenantId, id) => options.store.markRevoked(tenantId, id, now()),
    list: (tenantId) => options.store.list(tenantId),
  };
}

const rowKey = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

export function createMemoryInvitationStore(): InvitationStore {
  const rows = new Map<string, Invitation>();
  return {
    async insert(invitation) {
      rows.set(rowKey(invitation.tenantId, invitation.id), { ...invitation });
    },
    async get(tenantId, id) {
      const row = rows.get(rowKey(tenantId, id));
      return row && { ...row };
    },
    async list(tenantId) {
      return [...rows.values()].filter((row) => row.tenantId === tenantId).map((row) => ({ ...row }));
    },
    async markAccepted(tenantId, id, at, acceptedBy) {
      const row = rows.get(rowKey(tenantId, id));
      if (!row || row.acceptedAt !== null || row.revokedAt !== null) return false;
      row.acceptedAt = at;
      row.acceptedBy = acceptedBy;
      return true;
    },
    async markRevoked(tenantId, id, at) {
      const row = rows.get(rowKey(tenantId, id));
      if (!row || row.acceptedAt !== null || row.revokedAt !== null) return false;
      row.revokedAt = at;
      return true;
    },
  };
}
