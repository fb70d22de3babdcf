/**
 * Every REST endpoint of the cloud in one table: method, path, who may call it, the schemas of
 * its params, query, body and responses. cloud-mock registers its handlers (and checks keys)
 * against it and the OpenAPI document is generated from it, so the three cannot drift.
 */
import type { z } from 'zod';
import type { ApiRole } from './apiKeys';
import * as s from './schemas';
import { StatusEventSchema } from './statusEvents';
import * as w from './webhooks';

export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify-style path, `:id` for a parameter. */
  path: string;
  summary: string;
  tag: string;
  /**
   * The roles whose API key (`Authorization: Bearer …`) may call it; or `enrollment_token`:
   * no key, the one-time token in the body authenticates the call.
   */
  access: readonly ApiRole[] | 'enrollment_token';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Server-Sent Events: the 200 is a text/event-stream, one `data:` line per item of its schema,
   * resumed with `Last-Event-ID`.
   */
  stream?: true;
  /** Status → body schema; every endpoint with input also answers 400 ValidationError. */
  responses: Record<number, { description: string; schema: z.ZodType }>;
}

const err = (description: string) => ({ description, schema: s.ErrorResponseSchema });
const notFound = { 404: err('No such locker, allocation, return or badge') };

// The operator may do everything; the others get the routes their job needs.
const OPERATOR: readonly ApiRole[] = ['operator'];
const MERCHANT: readonly ApiRole[] = ['merchant', 'operator'];
const READ: readonly ApiRole[] = ['operator', 'dashboard'];
const SEARCH: readonly ApiRole[] = ['merchant', 'operator', 'dashboard'];

export const API = {
  provisionLocker: {
    method: 'POST',
    path: '/api/v1/lockers',
    tag: 'lockers',
    access: OPERATOR,
    summary: 'Provision a locker and get its one-time enrolment token',
    body: s.ProvisionLockerRequestSchema,
    responses: {
      201: { description: 'Provisioned', schema: s.ProvisionLockerResponseSchema },
      409: err('A locker with this id exists (locker_exists)'),
    },
  },
  enrollLocker: {
    method: 'POST',
    path: '/api/v1/lockers/:id/enroll',
    tag: 'lockers',
    access: 'enrollment_token',
    summary: 'Enrol a unit: exchange the token for the cloud key and MQTT settings',
    params: s.LockerIdParamsSchema,
    body: s.EnrollRequestSchema,
    responses: {
      200: { description: 'Enrolled (again, with the same keys)', schema: s.EnrollResponseSchema },
      403: err('Wrong or already used token (enrollment_refused)'),
      409: err("The locker id is the cloud's own broker username (locker_id_reserved)"),
      503: err('The broker did not take the new identity (broker_unavailable); try again'),
      ...notFound,
    },
  },
  searchLockers: {
    method: 'GET',
    path: '/api/v1/lockers',
    tag: 'lockers',
    access: SEARCH,
    summary: 'Lockers nearest a point (all lockers without lat/lng), with availability by size',
    query: s.LockerSearchQuerySchema,
    responses: { 200: { description: 'Lockers', schema: s.LockerSearchResponseSchema } },
  },
  getLocker: {
    method: 'GET',
    path: '/api/v1/lockers/:id',
    tag: 'lockers',
    access: READ,
    summary: 'Presence, compartments, parcels and returns of one locker',
    params: s.LockerIdParamsSchema,
    responses: { 200: { description: 'Locker', schema: s.LockerDetailSchema }, ...notFound },
  },
  getAudit: {
    method: 'GET',
    path: '/api/v1/lockers/:id/audit',
    tag: 'lockers',
    access: READ,
    summary: "The locker's verified event chain: acked seq, gaps, broken links",
    params: s.LockerIdParamsSchema,
    responses: { 200: { description: 'Audit', schema: s.AuditResponseSchema }, ...notFound },
  },
  getReconciliation: {
    method: 'GET',
    path: '/api/v1/lockers/:id/reconciliation',
    tag: 'lockers',
    access: READ,
    summary: "Mismatches between the retained state snapshot and the cloud's records",
    params: s.LockerIdParamsSchema,
    responses: {
      200: { description: 'Reconciliation', schema: s.ReconciliationResponseSchema },
      ...notFound,
    },
  },
  openRemote: {
    method: 'POST',
    path: '/api/v1/lockers/:id/open',
    tag: 'lockers',
    access: OPERATOR,
    summary: 'Open one door remotely (reason required): sends door.open_remote',
    params: s.LockerIdParamsSchema,
    body: s.RemoteOpenRequestSchema,
    responses: {
      202: { description: 'Command sent', schema: s.CommandAcceptedSchema },
      409: err('Locker not enrolled (not_enrolled)'),
      ...notFound,
    },
  },
  setLockerPolicy: {
    method: 'PUT',
    path: '/api/v1/lockers/:id/policy',
    tag: 'lockers',
    access: OPERATOR,
    summary:
      "Set a locker's code length (6–10): new pickup and return codes get it, codes issued " +
      'before keep working; sends config.update',
    params: s.LockerIdParamsSchema,
    body: s.LockerPolicyRequestSchema,
    responses: {
      200: { description: 'Set; command sent', schema: s.LockerPolicyResponseSchema },
      ...notFound,
    },
  },
  listAlerts: {
    method: 'GET',
    path: '/api/v1/lockers/:id/alerts',
    tag: 'lockers',
    access: READ,
    summary:
      'Operator alerts of one locker (jams, unexpected openings, unknown outcomes, ' +
      'inspections, foreign items), newest first',
    params: s.LockerIdParamsSchema,
    query: s.AlertsQuerySchema,
    responses: {
      200: { description: 'Alerts', schema: s.AlertsResponseSchema },
      404: err('No such locker'),
    },
  },
  lockerStatusStream: {
    method: 'GET',
    path: '/api/v1/lockers/:id/stream',
    tag: 'lockers',
    access: READ,
    summary:
      "Server-Sent Events: the locker's status events (parcels, returns, alerts, online state, " +
      'availability) as they are committed to disk; resume with Last-Event-ID (or ?after=)',
    params: s.LockerIdParamsSchema,
    query: s.StatusStreamQuerySchema,
    stream: true,
    responses: {
      200: { description: 'One status event per SSE message', schema: StatusEventSchema },
      ...notFound,
    },
  },
  acknowledgeAlert: {
    method: 'POST',
    path: '/api/v1/lockers/:id/alerts/:alertId/acknowledge',
    tag: 'lockers',
    access: OPERATOR,
    summary:
      'Acknowledge an alert (someone is on it); it stays open until the locker clears it. ' +
      'A second acknowledgement keeps the first',
    params: s.AlertParamsSchema,
    body: s.AcknowledgeAlertRequestSchema,
    responses: {
      200: { description: 'Acknowledged', schema: s.AlertSchema },
      404: err('No such locker or alert'),
    },
  },
  createAllocation: {
    method: 'POST',
    path: '/api/v1/allocations',
    tag: 'allocations',
    access: MERCHANT,
    summary: 'Reserve capacity for a parcel and announce it to the locker',
    body: s.AllocationRequestSchema,
    responses: {
      201: { description: 'Allocated', schema: s.AllocationResponseSchema },
      409: err('no_capacity, no_compartment_fits, duplicate_parcel or not_enrolled'),
      ...notFound,
    },
  },
  getAllocation: {
    method: 'GET',
    path: '/api/v1/allocations/:id',
    tag: 'allocations',
    access: MERCHANT,
    summary:
      'One allocation: its state, a cancel or lapse the locker has not confirmed yet, what the ' +
      'locker refused, the locker it was misdelivered to',
    params: s.EntityIdParamsSchema,
    responses: { 200: { description: 'Allocation', schema: s.AllocationViewSchema }, ...notFound },
  },
  cancelAllocation: {
    method: 'POST',
    path: '/api/v1/allocations/:id/cancel',
    tag: 'allocations',
    access: MERCHANT,
    summary:
      'Cancel an allocation whose parcel is not deposited yet; its compartment is let go once ' +
      'the locker confirms (a refusal, such as a deposit in progress, is reported)',
    params: s.EntityIdParamsSchema,
    responses: {
      200: { description: 'Cancelled', schema: s.CancelResponseSchema },
      409: err('The parcel is already deposited or closed (not_cancellable)'),
      ...notFound,
    },
  },
  extendAllocation: {
    method: 'POST',
    path: '/api/v1/allocations/:id/extend',
    tag: 'allocations',
    access: MERCHANT,
    summary: 'Hold the parcel longer: adds days to its holding period',
    params: s.EntityIdParamsSchema,
    body: s.ExtendRequestSchema,
    responses: {
      200: { description: 'Extended', schema: s.ExtendResponseSchema },
      409: err('Closed parcel or more than 30 hold days (not_extendable)'),
      ...notFound,
    },
  },
  resendCode: {
    method: 'POST',
    path: '/api/v1/allocations/:id/resend-code',
    tag: 'allocations',
    access: MERCHANT,
    summary: 'Send the customer their pickup code again, in their language (at most 3 an hour)',
    params: s.EntityIdParamsSchema,
    responses: {
      200: { description: 'Sent', schema: s.ResendCodeResponseSchema },
      409: err('The parcel is not waiting in the locker (not_waiting)'),
      429: err('Sent too often this hour (too_many_resends)'),
      ...notFound,
    },
  },
  createReturn: {
    method: 'POST',
    path: '/api/v1/returns',
    tag: 'returns',
    access: MERCHANT,
    summary: 'Expect a customer return at a locker; the code goes to the customer',
    body: s.ReturnRequestSchema,
    responses: {
      201: { description: 'Return expected', schema: s.ReturnResponseSchema },
      409: err('no_capacity or not_enrolled'),
      ...notFound,
    },
  },
  getReturn: {
    method: 'GET',
    path: '/api/v1/returns/:id',
    tag: 'returns',
    access: MERCHANT,
    summary: 'One return: its state, when it lapses, a cancel not yet confirmed, what was refused',
    params: s.EntityIdParamsSchema,
    responses: { 200: { description: 'Return', schema: s.ReturnDetailSchema }, ...notFound },
  },
  cancelReturn: {
    method: 'POST',
    path: '/api/v1/returns/:id/cancel',
    tag: 'returns',
    access: MERCHANT,
    summary:
      'Cancel a return not dropped yet: sends return.cancel; its compartment is let go once ' +
      'the locker confirms',
    params: s.EntityIdParamsSchema,
    responses: {
      200: { description: 'Cancelled', schema: s.ReturnCancelResponseSchema },
      409: err('The return is already dropped or closed (not_cancellable)'),
      ...notFound,
    },
  },
  issueBadge: {
    method: 'POST',
    path: '/api/v1/badges',
    tag: 'badges',
    access: OPERATOR,
    summary: 'Issue a courier or staff badge signed with the cloud key',
    body: s.BadgeRequestSchema,
    responses: {
      201: { description: 'Issued', schema: s.BadgeResponseSchema },
      422: err('The token would be longer than a kiosk reads (badge_too_long)'),
    },
  },
  revokeBadge: {
    method: 'POST',
    path: '/api/v1/badges/:id/revoke',
    tag: 'badges',
    access: OPERATOR,
    summary: 'Revoke a badge on every enrolled locker',
    params: s.BadgeIdParamsSchema,
    responses: { 200: { description: 'Revoked', schema: s.RevokeResponseSchema }, ...notFound },
  },
  createWebhook: {
    method: 'POST',
    path: '/api/v1/webhooks',
    tag: 'webhooks',
    access: MERCHANT,
    summary:
      "Register a webhook: the status events of this key's allocations and returns (an " +
      "operator's: all), POSTed signed; the secret is answered once",
    body: w.WebhookRequestSchema,
    responses: { 201: { description: 'Registered', schema: w.WebhookCreatedSchema } },
  },
  listWebhooks: {
    method: 'GET',
    path: '/api/v1/webhooks',
    tag: 'webhooks',
    access: MERCHANT,
    summary: "This key's webhooks (never their secrets)",
    responses: { 200: { description: 'Webhooks', schema: w.WebhookListSchema } },
  },
  deleteWebhook: {
    method: 'DELETE',
    path: '/api/v1/webhooks/:id',
    tag: 'webhooks',
    access: MERCHANT,
    summary: "Delete one of this key's webhooks: nothing more is sent to it",
    params: w.WebhookParamsSchema,
    responses: {
      200: { description: 'Deleted', schema: w.WebhookDeletedSchema },
      404: err('No such webhook of this key'),
    },
  },
  listWebhookDeliveries: {
    method: 'GET',
    path: '/api/v1/webhooks/:id/deliveries',
    tag: 'webhooks',
    access: MERCHANT,
    summary:
      "The delivery log of one of this key's webhooks, newest event first: attempts, last " +
      'status or error, next attempt',
    params: w.WebhookParamsSchema,
    query: w.WebhookDeliveriesQuerySchema,
    responses: {
      200: { description: 'Deliveries', schema: w.WebhookDeliveriesSchema },
      404: err('No such webhook of this key'),
    },
  },
  listNotifications: {
    method: 'GET',
    path: '/api/v1/notifications',
    tag: 'notifications',
    access: OPERATOR,
    summary: 'The notification inbox (development stand-in for SMS and e-mail), newest first',
    query: s.NotificationsQuerySchema,
    responses: { 200: { description: 'Notifications', schema: s.NotificationsResponseSchema } },
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof API;
