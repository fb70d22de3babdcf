/**
 * Provisioning and enrolment of lockers (each enrolment a fresh broker identity), and the read
 * side: one locker's summary and detail (search near a point is in search.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { GENESIS_HASH } from '../../src/shared/events';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { issueEnrollmentToken } from '../../src/shared/node/enrollmentToken';
import { ok, type Result } from '../../src/shared/result';
import type {
  EnrollRequest,
  EnrollResponse,
  LockerDetail,
  LockerSummary,
  ProvisionLockerRequest,
  ProvisionLockerResponse,
} from '../../src/shared/rest/schemas';
import { hashBrokerPassword, newBrokerPassword } from '../brokerAccess/passwordHash';
import { deleteLockerAccount, getBrokerAccount, putLockerAccount } from '../store/brokerAccounts';
import { insertCompartment } from '../store/compartments';
import { getLocker, insertLocker, setEnrollment, type Locker } from '../store/lockers';
import { listParcels } from '../store/parcels';
import { listReturns } from '../store/returns';
import { availability, effectiveCompartments, readSnapshot } from './capacity';
import type { Commands } from './commands';
import { iso, type CloudContext } from './context';
import { notFound, refuse, type Refusal } from './refusal';
import { parcelView, returnView } from './views';

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export async function provisionLocker(
  ctx: CloudContext,
  commands: Commands,
  req: ProvisionLockerRequest,
): Promise<Result<ProvisionLockerResponse, Refusal>> {
  // The token pins the cloud key, so the unit can refuse an impostor answering its enrolment.
  const token = issueEnrollmentToken(ctx.publicKey);
  const result = ctx.db
    .transaction((): Result<ProvisionLockerResponse, Refusal> => {
      if (getLocker(ctx.db, req.id)) return refuse(409, 'locker_exists', `locker ${req.id} exists`);
      if (getBrokerAccount(ctx.db, req.id)?.kind === 'cloud') return reservedId(req.id);
      insertLocker(ctx.db, {
        id: req.id,
        name: req.name,
        address: req.address,
        lat: req.lat,
        lng: req.lng,
        tokenHash: tokenHash(token),
        provisionedAt: ctx.clock.now(),
        chainHash: GENESIS_HASH,
        codeLength: req.codeLength ?? ctx.policy.codeLength,
      });
      for (const c of req.compartments) insertCompartment(ctx.db, { lockerId: req.id, ...c });
      // A length chosen for this locker reaches the unit when it first comes online (resent
      // then), so its keypad expects it; without one the unit's config file says.
      if (req.codeLength !== undefined)
        commands.issue(req.id, 'config.update', { codeLength: req.codeLength });
      return ok({ lockerId: req.id, enrollmentToken: token });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}

/**
 * Exchanges the one-time token for the cloud key, the MQTT settings and a fresh broker identity.
 * The token works once; asking again with the same keys answers again (a unit that lost the
 * reply retries), each time with a new password that ends the previous one.
 */
export async function enrollLocker(
  ctx: CloudContext,
  lockerId: string,
  req: EnrollRequest,
): Promise<Result<EnrollResponse, Refusal>> {
  // The slow hash only for a request that holds the token.
  const checked = checkEnrollment(ctx, lockerId, req);
  if (!checked.ok) return checked;
  const accounts = ctx.brokerAccounts;
  const password = accounts.issuesCredentials ? newBrokerPassword() : null;
  const hash = password === null ? null : await hashBrokerPassword(password);
  const recorded = ctx.db
    .transaction((): Result<{ replacing: boolean; generation: number }, Refusal> => {
      const again = checkEnrollment(ctx, lockerId, req);
      if (!again.ok) return again;
      if (again.value === 'new') {
        setEnrollment(ctx.db, lockerId, req, ctx.clock.now());
        ctx.log.info({ lockerId }, 'locker enrolled');
      }
      if (hash === null) return ok({ replacing: false, generation: 0 });
      const replacing = getBrokerAccount(ctx.db, lockerId) !== null;
      const put = putLockerAccount(ctx.db, lockerId, hash, ctx.clock.now());
      if (put.outcome === 'taken') return reservedId(lockerId);
      return ok({ replacing, generation: put.generation });
    })
    .immediate();
  if (!recorded.ok) return recorded;
  if (password !== null) {
    const { replacing, generation } = recorded.value;
    const applied = await accounts.replaceLocker(lockerId, password, replacing);
    if (!applied.ok) {
      // A first identity the broker never took is forgotten, so a retry creates it afresh.
      if (!replacing) deleteLockerAccount(ctx.db, lockerId);
      ctx.log.error({ lockerId, reason: applied.error }, 'broker identity not issued');
      return refuse(
        503,
        'broker_unavailable',
        `the broker did not take the new identity: ${applied.error}`,
      );
    }
    ctx.log.info({ lockerId, generation, brokerAccounts: accounts.kind }, 'broker identity issued');
  }
  return ok({
    lockerId,
    cloudPublicKey: publicKeyToRaw(ctx.publicKey),
    mqtt: {
      url: ctx.mqttUrl,
      topicPrefix: ctx.topicPrefix,
      ...(password === null ? {} : { username: lockerId, password }),
    },
  });
}

/** 'new' for a first enrolment, 'again' for a retry with the same keys, or the refusal. */
function checkEnrollment(
  ctx: CloudContext,
  lockerId: string,
  req: EnrollRequest,
): Result<'new' | 'again', Refusal> {
  const locker = getLocker(ctx.db, lockerId);
  if (!locker) return notFound('locker');
  const given = Buffer.from(tokenHash(req.token), 'hex');
  const tokenOk = timingSafeEqual(given, Buffer.from(locker.tokenHash, 'hex'));
  const refused = refuse(403, 'enrollment_refused', 'wrong or already used enrolment token');
  if (!tokenOk) return refused;
  if (locker.enrolledAt === null) return ok('new');
  const same =
    locker.devicePublicKey === req.devicePublicKey && locker.codeDigestKey === req.codeDigestKey;
  return same ? ok('again') : refused;
}

const reservedId = (lockerId: string) =>
  refuse(409, 'locker_id_reserved', `${lockerId} is the cloud's own broker username`);

export const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function haversineM(
  a: { lat: number; lng: number },
  b: { lat: number; lng: number },
): number {
  const dLat = rad(b.lat - a.lat);
  const dLng = rad(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function lockerSummary(
  ctx: Pick<CloudContext, 'db'>,
  l: Locker,
  distanceM: number | null,
): LockerSummary {
  return {
    id: l.id,
    name: l.name,
    address: l.address,
    lat: l.lat,
    lng: l.lng,
    enrolled: l.enrolledAt !== null,
    flagged: l.flagged,
    presence: { status: l.presence, at: l.presenceAt === null ? null : iso(l.presenceAt) },
    availability: availability(ctx.db, l),
    distanceM: distanceM === null ? null : Math.round(distanceM),
  };
}

export function lockerDetail(ctx: CloudContext, lockerId: string): Result<LockerDetail, Refusal> {
  const locker = getLocker(ctx.db, lockerId);
  if (!locker) return notFound('locker');
  const { distanceM: _none, ...rest } = lockerSummary(ctx, locker, null);
  const snapshot = readSnapshot(locker);
  return ok({
    ...rest,
    codeLength: locker.codeLength,
    compartments: effectiveCompartments(ctx.db, locker),
    parcels: listParcels(ctx.db, lockerId).map(parcelView),
    returns: listReturns(ctx.db, lockerId).map(returnView),
    snapshot: snapshot ? { seq: snapshot.seq, at: snapshot.at } : null,
  });
}
