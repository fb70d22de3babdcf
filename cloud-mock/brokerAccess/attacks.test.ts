/**
 * An attacker on the network, played by the real mosquitto_sub / mosquitto_pub, against the
 * cloud's embedded aedes and against Mosquitto as docs/deployment-cloud.md sets it up (with the
 * dynamic-security plugin, and with a password file and ACL patterns): with no
 * account, with a wrong password, and as an enrolled locker gone rogue (valid credentials of
 * its own). Meanwhile a real locker (its enrolment's identity) and the cloud exchange events and
 * commands. Each attack is refused or harmless; each check has a control that shows it can fail.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import { signEvent } from '../../src/shared/node/eventChain';
import { verifyMessage } from '../../src/shared/node/signedMessage';
import {
  grantedQos,
  mosquittoPub,
  mosquittoSub,
  receivedMessages,
  targetOf,
  type BrokerTarget,
} from '../../src/shared/node/testSupport/mosquittoClients';
import { SignedCommandSchema } from '../../src/shared/protocol/commands';
import { AckSchema } from '../../src/shared/protocol/messages';
import { lockerTopics } from '../../src/shared/protocol/topics';
import type { AuditResponse, LockerDetail } from '../../src/shared/rest/schemas';
import {
  allocationRequest,
  provisionAndEnroll,
  startTestCloud,
  type EnrolledLocker,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import type { LogRecord } from '../testSupport/logCapture';
import { BROKER_SETUPS, startBrokerSetup, type BrokerSetup } from '../testSupport/brokerSetups';

const VICTIM = 'ATK-VICTIM';
const MALLORY = 'ATK-MALLORY';
const victimTopics = lockerTopics('locker/v1', VICTIM);
const malloryTopics = lockerTopics('locker/v1', MALLORY);
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
/** The password with its last character changed (never the same password by chance). */
const otherThan = (password: string) =>
  `${password.slice(0, -1)}${password.endsWith('x') ? 'y' : 'x'}`;

/** What the cloud would log had a message on the victim's topics reached it. */
const reachedCloud = (r: LogRecord) =>
  (JSON.stringify(r).includes(VICTIM) &&
    ['mqtt message dropped', 'message handling failed', 'presence recorded'].includes(r.msg)) ||
  r.msg.startsWith('event chain broken');

describe.each(BROKER_SETUPS)('an attacker on %s', (broker) => {
  let setup: BrokerSetup;
  let cloud: TestCloud;
  let victim: EnrolledLocker;
  let mallory: EnrolledLocker;
  let chain: DeviceChain;
  let link: DeviceLink;
  let target: BrokerTarget;
  let cloudUsername: string;
  /** Every message the victim's client received, raw, and how often its session ended. */
  const delivered: string[] = [];
  let victimClosed = 0;

  /** The victim's last event, as it published it. */
  let lastSent: SignedEvent;
  /** The cloud's view of the victim's compartments and state before each attack. */
  let viewBefore: Pick<LockerDetail, 'compartments' | 'snapshot'>;

  const detail = async () =>
    (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${VICTIM}`)).body;
  const audit = async () =>
    (await cloud.request<AuditResponse>('GET', `/api/v1/lockers/${VICTIM}/audit`)).body;
  /** Messages delivered to the victim that the cloud did not sign for it: forgeries let through. */
  const notFromCloud = (messages: string[]) =>
    messages.filter((line) => {
      const [topic, ...rest] = line.split(' ');
      const json = JSON.parse(rest.join(' ')) as unknown;
      const parsed =
        topic === victimTopics.acks
          ? AckSchema.safeParse(json)
          : topic === victimTopics.commands
            ? SignedCommandSchema.safeParse(json)
            : null;
      return !(
        parsed?.success &&
        parsed.data.lockerId === VICTIM &&
        verifyMessage(parsed.data, cloud.cloudPublicKey)
      );
    });
  const malloryLogin = () => ({
    ...target,
    clientId: MALLORY,
    username: MALLORY,
    password: setup.loginOf(mallory).password!,
  });
  /**
   * A genuine exchange: the victim's next event is stored and acked by the cloud (other acks,
   * such as the one the cloud sends for each "online", may come in between).
   */
  const genuineExchange = async () => {
    lastSent = chain.filler(1)[0]!;
    await link.publishEvents([lastSent]);
    return link.acks.until((seq) => seq === lastSent.seq);
  };

  beforeAll(async () => {
    setup = await startBrokerSetup(broker, [VICTIM, MALLORY]);
    cloud = await startTestCloud(setup.cloudOptions);
    cloudUsername = setup.cloudUsername(cloud);
    victim = await provisionAndEnroll(cloud, VICTIM, {}, 41);
    mallory = await provisionAndEnroll(cloud, MALLORY, {}, 42);
    chain = new DeviceChain(VICTIM, victim.key, cloud.clock);
    link = await DeviceLink.connect(cloud.mqttUrl, setup.loginOf(victim), {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    link.client.on('message', (topic, payload) => delivered.push(`${topic} ${payload.toString()}`));
    link.client.on('close', () => (victimClosed += 1));
    target = targetOf(cloud.mqttUrl);
    expect(await genuineExchange()).toBe(1);
  });
  beforeEach(async () => {
    const { compartments, snapshot } = await detail();
    viewBefore = { compartments, snapshot };
  });
  // After every attack: the victim's chain verifies at the cloud up to the last event it sent,
  // nothing it did not sign reached it, and the cloud's view of it is what it was.
  afterEach(async () => {
    expect(await audit()).toMatchObject({
      lastSeq: lastSent.seq,
      ackedSeq: lastSent.seq,
      lastHash: lastSent.hash,
      gaps: [],
      brokenLinks: [],
      flagged: false,
    });
    const { compartments, snapshot } = await detail();
    expect({ compartments, snapshot }).toEqual(viewBefore);
    expect(notFromCloud(delivered)).toEqual([]);
    expect(link.refusedAcks).toEqual([]);
  });
  afterAll(async () => {
    await link.close();
    await cloud.close();
    await setup.close();
  });

  it('refuses an anonymous client and a wrong password; the right password gets in', async () => {
    const anonymous = await mosquittoPub(target, { topic: victimTopics.events, payload: '{}' });
    expect(anonymous.status).not.toBe(0);
    expect(anonymous.stderr).toMatch(/refused|not authori[sz]ed/i);
    const anonymousSub = await mosquittoSub(target, ['#'], { listenMs: 5000 }).done;
    expect(anonymousSub.timedOut).toBe(false);
    expect(anonymousSub.stderr).toMatch(/refused|not authori[sz]ed/i);

    const wrong = await mosquittoPub(
      {
        ...target,
        username: MALLORY,
        password: otherThan(setup.loginOf(mallory).password!),
      },
      { topic: malloryTopics.events, payload: '{}' },
    );
    expect(wrong.status, wrong.stdout).not.toBe(0);
    expect(wrong.stderr).toMatch(/refused|not authori[sz]ed|bad user/i);
    const noSuchUser = await mosquittoPub(
      { ...target, username: 'nobody', password: setup.loginOf(mallory).password! },
      { topic: malloryTopics.events, payload: '{}' },
    );
    expect(noSuchUser.status).not.toBe(0);

    // Control: the same client with the enrolment's credentials connects and publishes.
    const right = await mosquittoPub(malloryLogin(), {
      topic: malloryTopics.presence,
      payload: '{"v":1,"status":"online"}',
    });
    expect(right.stderr).toBe('');
    expect(right.status, right.stdout).toBe(0);
    expect(right.stdout).toMatch(/received PUBACK/);
  });

  it("subscribing to # or to another locker's topics yields nothing while the locker and the cloud talk", async () => {
    const stolen = [
      victimTopics.commands,
      victimTopics.acks,
      victimTopics.events,
      victimTopics.state,
      victimTopics.presence,
    ];
    // A retained message waits at the broker: a new subscriber would get it at once.
    await link.publishRaw(victimTopics.presence, '{"v":1,"status":"online"}', true);
    // The rogue locker also subscribes to its own commands: the control that the spy hears.
    const spy = mosquittoSub(
      malloryLogin(),
      // $CONTROL/…: where the cloud hands Mosquitto each new locker password.
      [
        '#',
        'locker/v1/+/commands',
        ...stolen,
        '$CONTROL/dynamic-security/#',
        malloryTopics.commands,
      ],
      {
        listenMs: 6000,
      },
    );
    await spy.ready;

    await cloud.request('POST', '/api/v1/allocations', allocationRequest(VICTIM, 'SPY-1'));
    const command = await link.commands.until((c) => c.type === 'parcel.expect');
    expect(command.lockerId).toBe(VICTIM);
    await genuineExchange();
    await cloud.request('POST', '/api/v1/allocations', allocationRequest(MALLORY, 'SPY-2'));
    const newcomer = await provisionAndEnroll(cloud, 'ATK-NEWCOMER', {}, 43);

    const seen = await spy.done;
    const issued = newcomer.enrollment.mqtt.password;
    if (issued !== undefined) expect(seen.stdout).not.toContain(issued);
    // dynsec and aedes refuse the subscriptions; an ACL file grants them and delivers nothing.
    const refused = broker === 'mosquitto password file' ? 1 : 128;
    expect(grantedQos(seen)).toEqual([...Array<number>(8).fill(refused), 1]);
    expect(receivedMessages(seen, stolen)).toEqual([]);
    // Whatever reached the spy was on its own topics (its commands; on an ACL file's `#`, also
    // the ack the cloud may send it), never another locker's.
    const received = seen.lines.filter((l) => /received PUBLISH/.test(l));
    expect(received).toContainEqual(expect.stringContaining(malloryTopics.commands));
    const own = Object.values(malloryTopics);
    for (const line of received) expect(own.some((t) => line.includes(`'${t}'`))).toBe(true);
    expect(seen.stdout).not.toContain('SPY-1');
    // Control: the spy's own commands reach it, so silence above is the broker refusing.
    expect(receivedMessages(seen, [malloryTopics.commands])).toEqual([
      expect.stringContaining('"SPY-2"'),
    ]);
  });

  it("publishing on another locker's events/state/presence/acks/commands is dropped: the cloud and the victim see nothing", async () => {
    const before = await detail();
    const deliveredBefore = delivered.length;
    const logMark = cloud.logs.records.length;
    // Plausible forgeries: each would be taken if it arrived (the control below shows one is).
    const forged = signEvent(
      {
        v: 1,
        lockerId: VICTIM,
        seq: 2,
        type: 'door.opened',
        at: new Date(cloud.clock.now()).toISOString(),
        payload: { compartmentId: 'A1', operation: 'staff_open', operationId: 9 },
        prevHash: '0'.repeat(64),
      },
      mallory.key,
    );
    const forgeries = [
      { topic: victimTopics.events, payload: JSON.stringify({ v: 1, events: [forged] }) },
      {
        topic: victimTopics.state,
        payload: JSON.stringify({
          v: 1,
          lockerId: VICTIM,
          at: new Date(cloud.clock.now()).toISOString(),
          seq: 1_000_000,
          compartments: [],
        }),
        retain: true,
      },
      { topic: victimTopics.presence, payload: '{"v":1,"status":"offline"}', retain: true },
      { topic: victimTopics.acks, payload: '{"v":1,"upToSeq":999}' },
      { topic: victimTopics.commands, payload: JSON.stringify({ v: 1, id: 'forged', sig: 'x' }) },
    ];
    for (const message of forgeries) {
      const r = await mosquittoPub(malloryLogin(), message);
      // aedes ends the offender's connection; Mosquitto acknowledges and silently drops.
      if (broker === 'aedes') expect(r.stdout).not.toMatch(/received PUBACK/);
      else expect(r.stdout).toMatch(/received PUBACK/);
    }
    await settle();

    // The cloud: nothing logged about the victim, its view unchanged.
    expect(cloud.logs.records.slice(logMark).filter(reachedCloud)).toEqual([]);
    const after = await detail();
    expect(after.presence).toEqual(before.presence);
    expect(after.snapshot).toEqual(before.snapshot);
    expect(after.flagged).toBe(false);
    // The victim: no forged ack or command (only what the cloud signed for it), and its next
    // event is acked in order.
    expect(notFromCloud(delivered.slice(deliveredBefore))).toEqual([]);
    expect(link.refusedAcks).toEqual([]);
    await genuineExchange();

    // Control: the victim's own "offline" on its own topic does reach the cloud.
    await link.publishRaw(victimTopics.presence, '{"v":1,"status":"offline"}', true);
    await cloud.logs.waitFor(
      (r) => r.msg === 'presence recorded' && r['lockerId'] === VICTIM && r['status'] === 'offline',
    );
    expect((await detail()).presence.status).toBe('offline');
    const onlineRecords = () =>
      cloud.logs.records.filter(
        (r) =>
          r.msg === 'presence recorded' && r['lockerId'] === VICTIM && r['status'] === 'online',
      ).length;
    const recorded = onlineRecords();
    await link.publishRaw(victimTopics.presence, '{"v":1,"status":"online"}', true);
    for (let i = 0; i < 100 && onlineRecords() === recorded; i++) await settle(50);
  });

  it("a last will left on another locker's presence is dropped; one on its own is delivered", async () => {
    const before = await detail();
    const logMark = cloud.logs.records.length;
    const offline = '{"v":1,"status":"offline"}';
    const forger = mosquittoSub(malloryLogin(), [malloryTopics.commands], {
      listenMs: 1500,
      will: { topic: victimTopics.presence, payload: offline, retain: true },
      stopWith: 'SIGKILL',
    });
    await forger.done;
    await settle();
    await genuineExchange();
    expect(cloud.logs.records.slice(logMark).filter(reachedCloud)).toEqual([]);
    expect((await detail()).presence).toEqual(before.presence);

    // Control: the same will on its own presence topic reaches the cloud when it vanishes.
    const own = mosquittoSub(malloryLogin(), [malloryTopics.commands], {
      listenMs: 1500,
      will: { topic: malloryTopics.presence, payload: offline, retain: true },
      stopWith: 'SIGKILL',
    });
    await own.done;
    await cloud.logs.waitFor(
      (r) =>
        r.msg === 'presence recorded' && r['lockerId'] === MALLORY && r['status'] === 'offline',
    );
  });

  it("taking the cloud's or a locker's client id is refused: their sessions stay", async () => {
    const cloudOffline = () =>
      cloud.logs.records.filter((r) => r.msg.startsWith('mqtt offline')).length;
    const offlineBefore = cloudOffline();
    const closedBefore = victimClosed;
    for (const clientId of [VICTIM, cloudUsername]) {
      const owner = clientId === VICTIM ? VICTIM : cloudUsername;
      const attempts: BrokerTarget[] = [
        { ...target, clientId },
        { ...target, clientId, username: owner, password: setup.loginOf(mallory).password! },
        { ...malloryLogin(), clientId },
      ];
      for (const attempt of attempts) {
        const r = await mosquittoPub(attempt, { topic: malloryTopics.events, payload: '{}' });
        // aedes refuses a client id that is not the username; Mosquitto replaces it by the
        // username (use_username_as_clientid), so the rogue only ever is itself.
        if (broker === 'aedes' || attempt.username !== MALLORY) expect(r.status).not.toBe(0);
      }
    }
    await settle();
    expect(victimClosed).toBe(closedBefore);
    expect(link.client.connected).toBe(true);
    expect(cloudOffline()).toBe(offlineBefore);
    await genuineExchange();

    // Control: the victim's real credentials do take its session over, and that is seen. (On a
    // fresh session: Mosquitto 2.0.11 leaves a session it refused a same-id CONNECT against out
    // of its takeover index, so the old one would simply stay, as it did above.)
    await link.close();
    link = await DeviceLink.connect(cloud.mqttUrl, setup.loginOf(victim), {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    link.client.on('close', () => (victimClosed += 1));
    const takeover = await mosquittoPub(
      { ...target, clientId: VICTIM, username: VICTIM, password: setup.loginOf(victim).password! },
      { topic: victimTopics.presence, payload: '{"v":1,"status":"online"}', retain: true },
    );
    expect(takeover.status).toBe(0);
    for (let i = 0; i < 100 && victimClosed === closedBefore + 1; i++) await settle(50);
    expect(victimClosed).toBe(closedBefore + 2);
  });

  it('never logs a password it issued or holds', () => {
    const logged = JSON.stringify(cloud.logs.records);
    for (const password of [setup.loginOf(victim).password!, setup.loginOf(mallory).password!])
      expect(logged).not.toContain(password);
    const own = setup.cloudOptions.brokerCredentials;
    if (own) expect(logged).not.toContain(own.password);
  });
});
