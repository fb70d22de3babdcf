/**
 * Who may call the cloud's REST API: the roles an API key carries, the shape of a key, and the
 * bodies of the 401/403 answers. The endpoint table (api.ts) names the roles of each route.
 */
import { z } from 'zod';

/**
 * merchant: allocations and returns, locker search. operator: everything. dashboard: read-only
 * views, never the notification inbox (it holds plain pickup codes).
 */
export const API_ROLES = ['merchant', 'operator', 'dashboard'] as const;
export const ApiRoleSchema = z.enum(API_ROLES);
export type ApiRole = z.infer<typeof ApiRoleSchema>;

/**
 * `plk_<id>_<secret>`: a readable prefix (so a leaked key is recognisable), the key's public
 * id (12 hex digits, as `keys list` shows it), and 32 random bytes as unpadded base64url.
 */
export const API_KEY_PATTERN = /^plk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** 401: no key, or one the cloud does not accept (unknown, revoked, malformed). */
export const UnauthorizedSchema = z.object({
  error: z.literal('unauthorized'),
  message: z.string(),
});

/** 403: a valid key whose role may not call this route. */
export const ForbiddenSchema = z.object({
  error: z.literal('forbidden'),
  message: z.string(),
});
