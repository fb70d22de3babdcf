/**
 * Keypad brute force for 24 h of simulated time against 100 deposited parcels, through the real
 * code check and throttle (see src/main/services/testSupport/bruteForce.ts), and the lock-out one
 * person can impose on customers meanwhile. Prints each strategy, then as its LAST line one
 * JSON object:
 *   { attemptsPer24h, bestStrategy, probability: { "6", "8", "10" }, keypadLongestWaitSec,
 *     qrLongestWaitSec, qrGuessesPer24h, qrProbability,
 *     byCodeLength: { "6" | "8" | "10": { probability, guessing, keypadLongestWaitSec,
 *                                         qrLongestWaitSec, lockOut } }, parcels: 100 }
 *
 *   npx tsx bench/bruteForce.ts
 */
import {
  DAY_MS,
  attack,
  attemptBound,
  compareStrategies,
  lockOut,
  lockerWithParcels,
  scanAttack,
  randomGuesses,
  strategyName,
  successProbability,
} from '../src/main/services/testSupport/bruteForce';

const PARCELS = 100;

const report = await compareStrategies(PARCELS);
for (const s of report.byStrategy) console.log(`${String(s.attempts).padStart(5)}  ${s.strategy}`);

// Sanity run: the best strategy with random guesses against the real codes.
const locker = await lockerWithParcels(PARCELS, 6, 7);
const check = await attack(locker, report.best, DAY_MS, randomGuesses(2026, 6, locker.allCodes()));
const bound = attemptBound(locker.config.policy.codeThrottle, DAY_MS);
await locker.close();
if (check.attempts !== report.attemptsPer24h || check.opened !== 0) {
  throw new Error(`sanity run disagrees: ${JSON.stringify(check)} vs ${report.attemptsPer24h}`);
}
console.log(
  `bound for any strategy: ${bound.total} (${bound.paid} paid off by time + a debt of ${bound.debt})`,
);

// QR guessing: 128-bit tokens behind a flood limit of their own.
const scanned = await lockerWithParcels(PARCELS, 6, 13);
const qr = await scanAttack(scanned, DAY_MS);
await scanned.close();
if (qr.opened !== 0) throw new Error('a guessed QR token opened a door');
const qrProbability = -Math.expm1(qr.scans * Math.log1p(-PARCELS / 2 ** 128));
console.log(`QR guessing: ${qr.scans} tokens scanned in 24 h, P(any door) = ${qrProbability}`);

// Lock-out: one person hammers the keypad all day; customers with valid codes keep arriving.
const crowd = await lockerWithParcels(PARCELS, 6, 11);
const blocked = await lockOut(crowd);
await crowd.close();
console.log(
  `lock-out: ${blocked.served} customers served, longest wait ${blocked.longestWaitMs / 1000} s typing a code, ${blocked.longestQrWaitMs / 1000} s scanning a QR`,
);

const probability = Object.fromEntries(
  [6, 8, 10].map((length) => [
    String(length),
    successProbability(report.attemptsPer24h, PARCELS, length),
  ]),
);
// Per code length: the odds the best guessing strategy opens any door in a day, and the
// longest a customer waits under the lock-out (the throttle does not depend on the length).
const byCodeLength = Object.fromEntries(
  [6, 8, 10].map((length) => [
    String(length),
    {
      probability: probability[String(length)],
      guessing: strategyName(report.best),
      keypadLongestWaitSec: blocked.longestWaitMs / 1000,
      qrLongestWaitSec: blocked.longestQrWaitMs / 1000,
      lockOut: 'greedy wrong codes all day',
    },
  ]),
);
console.log(
  JSON.stringify({
    attemptsPer24h: report.attemptsPer24h,
    bestStrategy: strategyName(report.best),
    probability,
    keypadLongestWaitSec: blocked.longestWaitMs / 1000,
    qrLongestWaitSec: blocked.longestQrWaitMs / 1000,
    qrGuessesPer24h: qr.scans,
    qrProbability,
    byCodeLength,
    parcels: PARCELS,
  }),
);
