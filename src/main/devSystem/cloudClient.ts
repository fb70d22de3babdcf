/** A small REST client for cloud-mock, typed from the shared REST schemas. */
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
  constructor(readonly baseUrl: string) {}

  private async call<T extends z.ZodType>(
    method: string,
    path: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return schema.parse(JSON.parse(text));
  }

  async lockerExists(lockerId: string): Promise<boolean> {
    const response = await fetch(`${this.baseUrl}/api/v1/lockers/${encodeURIComponent(lockerId)}`);
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
