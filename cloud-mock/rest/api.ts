/**
 * The endpoints cloud-mock serves beyond src/shared/rest/api.ts, in the same table form, so the
 * server registers them and the OpenAPI document describes them the same way. To be merged
 * into `API` when the schemas move to src/shared/rest.
 */
import type { Endpoint } from '../../src/shared/rest/api';
import { ErrorResponseSchema, LockerIdParamsSchema } from '../../src/shared/rest/schemas';
import * as s from './schemas';

export const LOCAL_API = {
  listAlerts: {
    method: 'GET',
    path: '/api/v1/lockers/:id/alerts',
    tag: 'lockers',
    summary:
      'Operator alerts of one locker (jams, unexpected openings, unknown outcomes, ' +
      'inspections, foreign items), newest first',
    params: LockerIdParamsSchema,
    query: s.AlertsQuerySchema,
    responses: {
      200: { description: 'Alerts', schema: s.AlertsResponseSchema },
      404: { description: 'No such locker', schema: ErrorResponseSchema },
    },
  },
  acknowledgeAlert: {
    method: 'POST',
    path: '/api/v1/lockers/:id/alerts/:alertId/acknowledge',
    tag: 'lockers',
    summary:
      'Acknowledge an alert (someone is on it); it stays open until the locker clears it. ' +
      'A second acknowledgement keeps the first',
    params: s.AlertParamsSchema,
    body: s.AcknowledgeAlertRequestSchema,
    responses: {
      200: { description: 'Acknowledged', schema: s.AlertSchema },
      404: { description: 'No such locker or alert', schema: ErrorResponseSchema },
    },
  },
} as const satisfies Record<string, Endpoint>;
