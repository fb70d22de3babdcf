/**
 * A genuine command replayed from the network, on the embedded aedes and on Mosquitto with
 * dynamic security: a real locker (KioskCore + CloudLink) whose answer the cloud has acked
 * answers it `replayed`, once, and nothing changes, at the unit or at the cloud.
 *
 * The broker refuses strangers and gives the cloud's account no read of commands, so the
 * attacker needs two stolen broker passwords and no key: the locker's, to take the command off
 * the broker while the locker is away (mosquitto_sub in its place), and the cloud's (read from
 * its data dir), to publish it again (mosquitto_pub). The unit's own check is what stands.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  grantedQos,
  mosquittoPub,
  mosquittoSub,
  receivedMessages,
} from '../../src/shared/node/testSupport/mosquittoClients';
import { lockerTopics } from '../../src/shared/protocol/topics';
import type { AuditResponse, LockerDetail } from '../../src/shared/rest/schemas';
import { listCompartments } from '../../src/main/store/compartments';
import { chainHead } from '../../src/main/store/events';
import { asStranger } from '../testSupport/brokerLogins';
import { until as untilIn } from './stand';
import {
  startFakeTimeStand,
  STAND_BROKERS,
  type FakeTimeStand,
  type LinkedLocker,
} from './testSupport/fakeTimeStand';

const LOCKER = 'replay-victim';
const { commands, acks } = lockerTopics('locker/v1', LOCKER);
const until = (condition: () => boolean, what: string) => untilIn(condition, what, 15_000);

describe.each(STAND_BROKERS)('a genuine command replayed on %s', (broker) => {
  let stand: FakeTimeStand;
  beforeEach(async () => {
    stand = await startFakeTimeStand({ broker });
  });
  afterEach(async () => {
    await stand.close();
  });

  const resultsFor = (l: LinkedLocker, commandId: string) =>
    l.payloads('command.result').filter((p) => p['commandId'] === commandId);
  /**
   * What the unit and the cloud hold about the locker's compartments (not where the cloud's
   * view came from: the unit's next snapshot may replace what its events said).
   */
  const stateOf = async (l: LinkedLocker) => ({
    unlocked: [...l.board.unlocked],
    unit: listCompartments(l.db),
    cloud: (
      await stand.cloud.request<LockerDetail>('GET', `/api/v1/lockers/${LOCKER}`)
    ).body.compartments.map(({ source: _source, ...state }) => state),
  });

  it('is answered replayed and changes nothing', async () => {
    const l = await stand.locker(LOCKER);

    // The cloud's account publishes commands but may not read them.
    const cloudSpy = await mosquittoSub(stand.asCloud(), [commands], { listenMs: 800 }).done;
    expect(grantedQos(cloudSpy)).toEqual([128]);

    // While the locker is away, the operator opens A1 remotely: the broker queues it.
    await l.disconnect();
    const opened = await stand.cloud.request<{ commandId: string }>(
      'POST',
      `/api/v1/lockers/${LOCKER}/open`,
      { compartmentId: 'A1', reason: 'customer on the phone' },
    );
    expect(opened.status).toBe(202);
    const { commandId } = opened.body;

    // Someone with the locker's broker password takes the queued copy in the locker's place.
    const taken = await mosquittoSub(l.asLocker(), [commands], {
      listenMs: 10_000,
      count: 1,
      // Its session also holds acks for the locker.
      ignore: [acks],
    }).done;
    const [line] = receivedMessages(taken, [commands]);
    expect(line, taken.stdout + taken.stderr).toBeDefined();
    const captured = line!.slice(commands.length + 1);
    expect(JSON.parse(captured)).toMatchObject({ id: commandId, type: 'door.open_remote' });

    // Back online, the unit gets the cloud's resend of the unanswered command and applies it.
    await l.connect();
    await until(() => stand.command(commandId).status === 'done', 'the remote open applied');
    await l.link!.commandsIdle();
    expect(l.board.unlocked).toHaveLength(1);
    const answered = resultsFor(l, commandId).length;
    // The cloud has acked the answer: a repeat now is not the cloud's resend of a command whose
    // answer is on its way (that gets none: src/main/cloud/cloudLink.replayAnswers.test.ts).
    await until(() => l.link!.status().ackedSeq === chainHead(l.db)!.seq, 'the answer acked');
    const before = await stateOf(l);

    // The replay: a stranger is refused by the broker; as the cloud's account it is delivered.
    const stranger = await mosquittoPub(asStranger(stand.cloud.mqttUrl), {
      topic: commands,
      payload: captured,
    });
    expect(stranger.status).not.toBe(0);
    const replayed = await mosquittoPub(stand.asCloud(), { topic: commands, payload: captured });
    expect(replayed.status, replayed.stderr).toBe(0);
    await until(() => resultsFor(l, commandId).length > answered, 'the unit answers the replay');
    await l.link!.commandsIdle();

    expect(resultsFor(l, commandId).slice(answered)).toEqual([
      expect.objectContaining({ ok: false, error: 'replayed' }),
    ]);
    expect(await stateOf(l)).toEqual(before);
    expect(stand.command(commandId)).toMatchObject({ status: 'done', error: null });

    // The locker's chain, the refusal in it, verifies at the cloud.
    await until(() => l.link!.status().ackedSeq === chainHead(l.db)!.seq, 'every event acked');
    const audit = await stand.cloud.request<AuditResponse>(
      'GET',
      `/api/v1/lockers/${LOCKER}/audit`,
    );
    expect(audit.body).toMatchObject({
      ackedSeq: chainHead(l.db)!.seq,
      lastHash: chainHead(l.db)!.hash,
      gaps: [],
      brokenLinks: [],
      flagged: false,
    });
    expect(await stateOf(l)).toEqual(before);
  });
});
