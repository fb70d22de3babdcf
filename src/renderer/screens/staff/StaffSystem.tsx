/**
 * The system tab: the cloud link and events waiting, the lock board (down, or any board that
 * cannot be read, is a fault), the scanner, open doors, compartments out of service and why.
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Diagnostics } from '../../../shared/ipc/types';
import { useKiosk } from '../../store/kioskStore';
import { reasonInWords } from './words';

function boardWords(board: Diagnostics['lockBoard'], t: TFunction, when: (at: number) => string) {
  return [
    board.state === 'ok' ? t('staff.ok') : t('staff.fault'),
    ...(board.busConnected ? [] : [t('staff.busDown')]),
    // A silent board is a fault even while the bus and the other boards are fine.
    ...board.silentBoards.map((b) =>
      t('staff.boardSilent', { board: b.board, since: when(b.since) }),
    ),
    ...(board.lastFault
      ? [
          `${t('staff.lastFault')}: ${board.lastFault}${board.lastFaultAt ? ` (${when(board.lastFaultAt)})` : ''}`,
        ]
      : []),
  ].join(' · ');
}

export function StaffSystem() {
  const { t, i18n } = useTranslation();
  const d = useKiosk((s) => (s.screen.name === 'staff' ? s.screen.diagnostics : null));
  const status = useKiosk((s) => s.status);
  const fmt = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const none = t('staff.none');
  return (
    // A region of its own that a keyboard can scroll (taller than the screen in large text).
    <div className="system-panel" role="region" tabIndex={0} aria-label={t('staff.tabs.system')}>
      <dl className="facts system" data-testid="diagnostics">
        <div>
          <dt>{t('staff.cloud')}</dt>
          <dd>{status?.cloud.online ? t('status.online') : t('status.offline')}</dd>
        </div>
        <div>
          <dt>{t('staff.outbox')}</dt>
          <dd>{status?.eventsWaiting ?? 0}</dd>
        </div>
        <div>
          <dt>{t('staff.oldest')}</dt>
          <dd>{status?.oldestWaitingAt ? fmt.format(status.oldestWaitingAt) : none}</dd>
        </div>
        {d && (
          <>
            <div>
              <dt>{t('staff.lockBoard')}</dt>
              <dd className={d.lockBoard.state === 'ok' ? undefined : 'fault'}>
                {boardWords(d.lockBoard, t, (at) => fmt.format(at))}
              </dd>
            </div>
            <div>
              <dt>{t('staff.scanner')}</dt>
              <dd>{t(`staff.scannerState.${d.scanner}`)}</dd>
            </div>
            <div>
              <dt>{t('staff.simulated')}</dt>
              <dd>{d.simulated ? '✓' : '—'}</dd>
            </div>
            <div>
              <dt>{t('staff.doorsOpen')}</dt>
              <dd>{d.doorsOpen.join(', ') || none}</dd>
            </div>
            <div>
              <dt>{t('staff.state.out_of_service')}</dt>
              <dd>
                {d.outOfService
                  .map((o) => `${o.compartmentId} (${reasonInWords(o.reason ?? '', t)})`)
                  .join(', ') || none}
              </dd>
            </div>
            <div>
              <dt>{t('staff.pending')}</dt>
              <dd>
                {d.pendingOperations.map((o) => `${o.compartmentId} ${o.kind}`).join(', ') || none}
              </dd>
            </div>
          </>
        )}
      </dl>
    </div>
  );
}
