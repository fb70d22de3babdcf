/** A small REST client for cloud-mock, typed from the shared REST schemas; it sends its key. */
import type { z } from 'zod';
import {
  AllocationResponseSchema,
  BadgeResponseSchema,
  NotificationsResponseSchema,
  ProvisionLockerResponseSchema,
  type AllocationRequest,
  type BadgeRequest,
  type ProvisionLockerRequest,
} from '../../shared/rest/schemas';

export class CloudClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  private async call<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.auth,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return schema.parse(JSON.parse(text));
  }

  /** Whether the cloud takes this client's key (false on 401: unknown or revoked). */
  async keyAccepted(): Promise<boolean> {
    const response = await fetch(`${this.baseUrl}/api/v1/lockers?limit=1`, { headers: this.auth });
    await response.body?.cancel();
    return response.status !== 401;
  }

  async lockerExists(lockerId: string): Promise<boolean> {
    const response = await fetch(`${this.baseUrl}/api/v1/lockers/${encodeURIComponent(lockerId)}`, {
      headers: this.auth,
    });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403)
      throw new Error(`GET /api/v1/lockers/${lockerId}: ${response.status}`);
    return response.ok;
  }

  provision(request: ProvisionLockerRequest) {
    return this.call('POST', '/api/v1/lockers', ProvisionLockerResponseSchema, request);
  }

  allocate(request: AllocationRequest) {
    return this.call('POST', '/api/v1/allocations', AllocationResponseSchema, request);
  }

  badge(request: BadgeRequest) {
    return this.call('POST', '/api/v1/badges', BadgeResponseSchema, request);
  }

  notifications(query: { lockerId?: string; parcelId?: string }) {
    const qs = new URLSearchParams(
      Object.entries(query).filter(([, v]) => v !== undefined) as [string, string][],
    );
    return this.call('GET', `/api/v1/notifications?${qs}`, NotificationsResponseSchema);
  }
}
