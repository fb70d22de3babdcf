/**
 * What `npm start` says when the system is ready: where everything is, the badges and the codes
 * waiting, and what to try, in a few lines a person reads. The `NAME=value` lines stay as they
 * were, for scripts that read them.
 */
import type { WaitingCode } from './waitingCodes';

export interface SummaryFacts {
  lockerId: string;
  screen: string;
  kioskUrl: string;
  cloudUrl: string;
  simUrl: string | null;
  courierBadge: string;
  staffBadge: string;
  codes: WaitingCode[];
  logFile: string;
}

const short = (token: string) => (token.length > 24 ? `${token.slice(0, 20)}…` : token);

export function summary(f: SummaryFacts): string[] {
  const rule = '─'.repeat(72);
  const sim = f.simUrl ? `npm run simctl -- --url ${f.simUrl}` : null;
  return [
    rule,
    ` The demo locker ${f.lockerId} is ready (screens: ${f.screen}).`,
    `   Screens        ${f.kioskUrl}`,
    `   Cloud          ${f.cloudUrl}  (dashboard; REST at /api/v1)`,
    ...(f.simUrl ? [`   Simulators     ${f.simUrl}`] : []),
    `   Badges         courier ${short(f.courierBadge)}  staff ${short(f.staffBadge)}`,
    f.codes.length > 0
      ? `   Codes waiting  ${f.codes.map((c) => `${c.parcelId}: ${c.code}`).join('   ')}`
      : '   Codes waiting  none (no parcel is waiting at the locker)',
    ' Try:',
    '   type a code on the screen, or scan a QR or a badge through the simulated scanner;',
    ...(sim
      ? [
          `   ${sim} scan "$COURIER_BADGE"    log in as the courier`,
          `   ${sim} item 0 5 on               leave an item in A5 (the IR sees it)`,
          `   ${sim} close 0 5                 close door A5`,
          `   ${sim} fault 0 jam on            jam board 0 (columns A and B)`,
        ]
      : []),
    `   the dashboard at ${f.cloudUrl}; stop the cloud-mock process to work offline.`,
    ` Logs: ${f.logFile} (LOG_LEVEL=debug for more; warnings also show here).`,
    rule,
  ];
}
