/**
 * Status in real time with the real cloud (issue 13): a courier's deposit at the kiosk reaches
 * the merchant's webhook receiver (an HTTP server in this test, which checks the HMAC) and the
 * customer's status page open in Chromium, each within a second of the deposit's commit at the
 * kiosk.
 */
import { checkWebhookSignature } from '../src/shared/node/webhookSignature';
import type { AllocationResponse } from '../src/shared/rest/schemas';
import { StatusEventSchema } from '../src/shared/rest/statusEvents';
import { WEBHOOK_SIGNATURE_HEADER, type WebhookCreated } from '../src/shared/rest/webhooks';
import { allocation } from '../cloud-mock/integration/stand';
import { WebhookReceiver } from '../cloud-mock/testSupport/webhookReceiver';
import { expect, test } from './fixtures';

test('a deposit at the kiosk shows on the customer status page and reaches the merchant webhook within a second, signed', async ({
  page,
  cloudLocker,
}) => {
  test.setTimeout(120_000);
  const { stand, unit } = cloudLocker;
  const receiver = await WebhookReceiver.start();
  try {
    const asMerchant = async <T>(path: string, body: unknown, status: number): Promise<T> => {
      const r = await fetch(`${stand.httpUrl}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stand.keys.merchant}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(r.status).toBe(status);
      return (await r.json()) as T;
    };
    const hook = await asMerchant<WebhookCreated>(
      '/api/v1/webhooks',
      { url: receiver.url, types: ['parcel.deposited'] },
      201,
    );
    const allocated = await asMerchant<AllocationResponse>(
      '/api/v1/allocations',
      allocation(unit.lockerId, 'p-live-1', { language: 'de' }),
      201,
    );
    await expect.poll(() => unit.parcel('p-live-1')?.state).toBe('expected');

    // The customer opens the link from the allocation (the one their message will carry).
    await page.goto(allocated.statusUrl);
    const state = page.getByTestId('parcel-state');
    await expect(state).toHaveText('Unterwegs zum Paketautomaten');
    await expect(page.getByText(`Locker ${unit.lockerId}`)).toBeVisible();
    await expect(page.getByTestId('pickup-code')).toBeHidden();

    const courier = unit.login((await stand.badge('courier', 'courier-live')).token);
    await unit.deposit(courier, 'TRKP-LIVE-1');
    const depositedAt = Date.now();

    await receiver.waitFor(1);
    const webhookMs = receiver.received[0]!.at - depositedAt;
    await expect(state).toHaveText('Wartet im Paketautomaten auf Sie', { timeout: 1_000 });
    const pageMs = Date.now() - depositedAt;
    test.info().annotations.push({
      type: 'latency',
      description: `webhook ${webhookMs} ms, status page ${pageMs} ms after the kiosk's commit`,
    });
    expect(webhookMs).toBeLessThan(1_000);
    expect(pageMs).toBeLessThan(1_000);

    // The receiver checks what a merchant must: the signature over the exact bytes, and freshness.
    const got = receiver.received[0]!;
    const header = got.headers[WEBHOOK_SIGNATURE_HEADER] as string;
    expect(
      checkWebhookSignature(hook.secret, header, got.body, Math.floor(Date.now() / 1000)),
    ).toBeNull();
    expect(
      checkWebhookSignature(
        hook.secret,
        header,
        got.body.replace('p-live-1', 'p-live-2'),
        Math.floor(Date.now() / 1000),
      ),
    ).toBe('mismatch');
    const event = StatusEventSchema.parse(JSON.parse(got.body));
    expect(event).toMatchObject({
      type: 'parcel.deposited',
      lockerId: unit.lockerId,
      parcelId: 'p-live-1',
      data: { allocationId: allocated.allocationId, state: 'deposited' },
    });

    // The code and QR the customer was sent are on the page, live, without a reload.
    const [notice] = (await stand.notifications('parcelId=p-live-1')).filter(
      (n) => n.kind === 'pickup_code',
    );
    await expect(page.getByTestId('pickup-code')).toHaveText(notice!.code!);
    await expect(page.locator('img.qr')).toHaveAttribute('src', /^data:image\/svg\+xml;base64,/);
    expect(notice!.text).toContain(allocated.statusUrl);
    if (test.info().project.name === 'portrait') {
      // As a phone shows it, for the docs.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: 'docs/screenshots/status-page.png', fullPage: true });
    }
  } finally {
    await receiver.close();
  }
});
