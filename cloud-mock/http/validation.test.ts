import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type EndpointName } from '../../src/shared/rest/api';
import { startTestCloud, lockerRequest, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

type Problem = { path: string; message: string };

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  /** Paths that must be reported. */
  paths: string[];
}

const UUID = '8f14e45f-ceea-4e7a-9d7c-0d9f3e7a1b2c';

// One bad request per endpoint and field kind; each must name the offending field.
const cases: Record<EndpointName, Case[]> = {
  provisionLocker: [
    {
      name: 'bad coordinates, empty name, no compartments',
      method: 'POST',
      url: '/api/v1/lockers',
      body: { ...lockerRequest('L-1'), lat: 91, name: '', compartments: [] },
      paths: ['body.lat', 'body.name', 'body.compartments'],
    },
    {
      name: 'duplicate compartment ids and a bad size',
      method: 'POST',
      url: '/api/v1/lockers',
      body: {
        ...lockerRequest('L-1'),
        compartments: [
          {
            id: 'A1',
            size: 'S',
            inner: { lengthMm: 1, widthMm: 1, heightMm: 1 },
            maxWeightG: 1,
            lowerDoor: false,
          },
          {
            id: 'A1',
            size: 'XXL',
            inner: { lengthMm: 1, widthMm: 1, heightMm: 1 },
            maxWeightG: 1,
            lowerDoor: false,
          },
        ],
      },
      paths: ['body.compartments.1.size'],
    },
    {
      name: 'a locker id with a topic wildcard, an unknown field',
      method: 'POST',
      url: '/api/v1/lockers',
      body: { ...lockerRequest('L/#'), colour: 'red' },
      paths: ['body.id', 'body'],
    },
  ],
  enrollLocker: [
    {
      name: 'short device key and code key',
      method: 'POST',
      url: '/api/v1/lockers/L-1/enroll',
      body: { token: 'x', devicePublicKey: 'abc', codeDigestKey: 'zz' },
      paths: ['body.devicePublicKey', 'body.codeDigestKey'],
    },
    { name: 'no body', method: 'POST', url: '/api/v1/lockers/L-1/enroll', paths: ['body'] },
  ],
  searchLockers: [
    {
      name: 'lat without lng, bad size, limit too big',
      method: 'GET',
      url: '/api/v1/lockers?lat=52.5&size=XXL&limit=1000',
      paths: ['query.lng', 'query.size', 'query.limit'],
    },
    {
      name: 'lat not a number',
      method: 'GET',
      url: '/api/v1/lockers?lat=north&lng=1',
      paths: ['query.lat'],
    },
  ],
  getLocker: [
    { name: 'id with a space', method: 'GET', url: '/api/v1/lockers/a%20b', paths: ['params.id'] },
  ],
  getAudit: [
    {
      name: 'id with a plus',
      method: 'GET',
      url: '/api/v1/lockers/a+b/audit',
      paths: ['params.id'],
    },
  ],
  getReconciliation: [
    {
      name: 'id with a hash',
      method: 'GET',
      url: '/api/v1/lockers/a%23b/reconciliation',
      paths: ['params.id'],
    },
  ],
  openRemote: [
    {
      name: 'no reason',
      method: 'POST',
      url: '/api/v1/lockers/L-1/open',
      body: { compartmentId: 'A1', reason: ' ' },
      paths: ['body.reason'],
    },
  ],
  setLockerPolicy: [
    {
      name: 'a code length of 5, a bad locker id',
      method: 'PUT',
      url: '/api/v1/lockers/a%20b/policy',
      body: { codeLength: 5 },
      paths: ['body.codeLength', 'params.id'],
    },
    {
      name: 'a code length of 11, an unknown field',
      method: 'PUT',
      url: '/api/v1/lockers/L-1/policy',
      body: { codeLength: 11, pin: '1234' },
      paths: ['body.codeLength', 'body'],
    },
  ],
  listAlerts: [
    {
      name: 'unknown state, limit 0',
      method: 'GET',
      url: '/api/v1/lockers/L-1/alerts?state=closed&limit=0',
      paths: ['query.state', 'query.limit'],
    },
    {
      name: 'limit not a whole number, an unknown filter',
      method: 'GET',
      url: '/api/v1/lockers/L-1/alerts?limit=2.5&kind=jammed',
      paths: ['query.limit', 'query'],
    },
  ],
  acknowledgeAlert: [
    {
      name: 'alert id not a number, by with a space',
      method: 'POST',
      url: '/api/v1/lockers/L-1/alerts/first/acknowledge',
      body: { by: 'a b' },
      paths: ['params.alertId', 'body.by'],
    },
  ],
  createAllocation: [
    {
      name: 'negative weight, zero dimension, no contact',
      method: 'POST',
      url: '/api/v1/allocations',
      body: {
        lockerId: 'L-1',
        parcelId: 'P1',
        trackingBarcode: 'TRK1',
        dimensions: { lengthMm: 0, widthMm: 10, heightMm: 10 },
        weightG: -1,
        customer: { name: 'Ada' },
      },
      paths: ['body.dimensions.lengthMm', 'body.weightG', 'body.customer.phone'],
    },
    {
      name: 'bad e-mail, barcode with spaces, hold days 0',
      method: 'POST',
      url: '/api/v1/allocations',
      body: {
        lockerId: 'L-1',
        parcelId: 'P1',
        trackingBarcode: 'TR K1',
        dimensions: { lengthMm: 10, widthMm: 10, heightMm: 10 },
        weightG: 1,
        customer: { name: 'Ada', email: 'not-an-address' },
        holdDays: 0,
      },
      paths: ['body.trackingBarcode', 'body.customer.email', 'body.holdDays'],
    },
    {
      name: 'a customer with neither name nor contact',
      method: 'POST',
      url: '/api/v1/allocations',
      body: {
        lockerId: 'L-1',
        parcelId: 'P1',
        trackingBarcode: 'TRK1',
        dimensions: { lengthMm: 10, widthMm: 10, heightMm: 10 },
        weightG: 1,
        customer: {},
      },
      paths: ['body.customer.name', 'body.customer.phone'],
    },
    {
      name: 'not JSON',
      method: 'POST',
      url: '/api/v1/allocations',
      body: '{"lockerId":',
      paths: ['body'],
    },
  ],
  cancelAllocation: [
    {
      name: 'id not a uuid',
      method: 'POST',
      url: '/api/v1/allocations/123/cancel',
      paths: ['params.id'],
    },
  ],
  getAllocation: [
    { name: 'id not a uuid', method: 'GET', url: '/api/v1/allocations/123', paths: ['params.id'] },
  ],
  getReturn: [
    { name: 'id not a uuid', method: 'GET', url: '/api/v1/returns/123', paths: ['params.id'] },
  ],
  cancelReturn: [
    {
      name: 'id not a uuid',
      method: 'POST',
      url: '/api/v1/returns/123/cancel',
      paths: ['params.id'],
    },
  ],
  extendAllocation: [
    {
      name: 'days 0 and id not a uuid',
      method: 'POST',
      url: '/api/v1/allocations/nope/extend',
      body: { days: 0 },
      paths: ['params.id', 'body.days'],
    },
    {
      name: 'days a string',
      method: 'POST',
      url: `/api/v1/allocations/${UUID}/extend`,
      body: { days: '2' },
      paths: ['body.days'],
    },
  ],
  createReturn: [
    {
      name: 'bad size, no customer',
      method: 'POST',
      url: '/api/v1/returns',
      body: { lockerId: 'L-1', size: 'XS' },
      paths: ['body.size', 'body.customer'],
    },
  ],
  issueBadge: [
    {
      name: 'bad role, validDays 0, empty locker list',
      method: 'POST',
      url: '/api/v1/badges',
      body: { role: 'admin', subject: 'c-1', validDays: 0, lockers: [] },
      paths: ['body.role', 'body.validDays', 'body.lockers'],
    },
  ],
  revokeBadge: [
    {
      name: 'id with a slash-free but illegal char',
      method: 'POST',
      url: '/api/v1/badges/a%20b/revoke',
      paths: ['params.id'],
    },
  ],
  lockerStatusStream: [
    {
      name: 'a bad locker id and a negative resume point',
      method: 'GET',
      url: '/api/v1/lockers/a%20b/stream?after=-1',
      paths: ['params.id'],
    },
  ],
  resendCode: [
    {
      name: 'an id with an illegal char',
      method: 'POST',
      url: '/api/v1/allocations/a%20b/resend-code',
      paths: ['params.id'],
    },
  ],
  createWebhook: [
    {
      name: 'a file: URL and an unknown event type',
      method: 'POST',
      url: '/api/v1/webhooks',
      body: { url: 'file:///etc/passwd', types: ['parcel.teleported'] },
      paths: ['body.url', 'body.types.0'],
    },
    {
      name: 'credentials in the URL, no types',
      method: 'POST',
      url: '/api/v1/webhooks',
      body: { url: 'https://user:pw@example.com/hook', types: [] },
      paths: ['body.url', 'body.types'],
    },
  ],
  listWebhooks: [],
  deleteWebhook: [
    {
      name: 'an id that is not a UUID',
      method: 'DELETE',
      url: '/api/v1/webhooks/not-a-uuid',
      paths: ['params.id'],
    },
  ],
  listWebhookDeliveries: [
    {
      name: 'an id that is not a UUID, limit 0',
      method: 'GET',
      url: '/api/v1/webhooks/not-a-uuid/deliveries?limit=0',
      paths: ['params.id', 'query.limit'],
    },
  ],
  listNotifications: [
    {
      name: 'limit 0 and a bad locker id',
      method: 'GET',
      url: '/api/v1/notifications?limit=0&lockerId=a%20b',
      paths: ['query.limit', 'query.lockerId'],
    },
  ],
};

describe('REST validation: field-level 400s that change nothing', () => {
  for (const [endpoint, list] of Object.entries(cases)) {
    for (const c of list) {
      it(`${endpoint}: ${c.name}`, async () => {
        const before = await cloud.request('GET', '/api/v1/lockers');
        const response = await cloud.inject({
          method: c.method,
          url: c.url,
          ...(c.body === undefined
            ? {}
            : typeof c.body === 'string'
              ? { payload: c.body, headers: { 'content-type': 'application/json' } }
              : { payload: c.body as object }),
        });
        expect(response.statusCode).toBe(400);
        const body = response.json<{ error: string; problems: Problem[] }>();
        expect(body.error).toBe('invalid_request');
        const paths = body.problems.map((p) => p.path);
        for (const path of c.paths) expect(paths).toContain(path);
        for (const p of body.problems) expect(p.message.length).toBeGreaterThan(0);
        expect(await cloud.request('GET', '/api/v1/lockers')).toEqual(before);
      });
    }
  }

  it('covers every endpoint that takes input', () => {
    const withInput = Object.entries(API)
      .filter(([, e]) => 'params' in e || 'query' in e || 'body' in e)
      .map(([name]) => name);
    for (const name of withInput)
      expect(cases[name as EndpointName]?.length ?? 0).toBeGreaterThan(0);
  });

  it('answers 404 with a reason for an unknown route', async () => {
    const r = await cloud.request('GET', '/api/v1/nothing');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found' });
  });
});
