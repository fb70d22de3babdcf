/**
 * The chosen compartment: what is in it, a reason (preset buttons, or typed on the on-screen
 * keyboard), and what staff may do with it; opening every expired door is always at hand.
 */
import { useTranslation } from 'react-i18next';
import { Button } from '../../components/Button';
import { useKiosk } from '../../store/kioskStore';
import { isPreset, REASON_PRESETS, reasonIsEnough } from '../../store/staffReasons';
import { reasonInWords } from './words';

export function StaffPanel() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const actions = useKiosk.getState();
  if (screen.name !== 'staff') return null;
  const selected = screen.compartments.find((c) => c.id === screen.selected) ?? null;
  const reasonOk = reasonIsEnough(screen.reason);
  const other = screen.reason !== '' && !isPreset(screen.reason);
  return (
    <aside className="card staff-panel">
      {selected ? (
        <>
          <h2>
            {selected.id} · {selected.size} · {t(`staff.state.${selected.state}`)}
          </h2>
          <dl className="facts">
            <div>
              <dt>{t('staff.content')}</dt>
              <dd>
                {selected.content === null
                  ? t('staff.empty')
                  : selected.content.kind === 'parcel'
                    ? `${selected.content.trackingBarcode}${selected.content.expired ? ` (${t('staff.expired')})` : ''}`
                    : selected.content.returnId}
              </dd>
            </div>
            <div>
              <dt>{t('staff.door')}</dt>
              <dd>
                {selected.doorOpen === null
                  ? t('staff.doorUnknown')
                  : selected.doorOpen
                    ? t('staff.doorOpen')
                    : t('staff.doorClosed')}
              </dd>
            </div>
            {selected.outOfServiceReason && (
              <div>
                <dt>{t('staff.state.out_of_service')}</dt>
                <dd>{reasonInWords(selected.outOfServiceReason, t)}</dd>
              </div>
            )}
          </dl>
          <fieldset className="reasons">
            <legend>{t('staff.reason')}</legend>
            <div className="reason-buttons">
              {REASON_PRESETS.map((code) => (
                <Button
                  key={code}
                  variant="quiet"
                  pressed={screen.reason === code}
                  onClick={() => actions.staffReason(code)}
                >
                  {t(`reason.${code}`)}
                </Button>
              ))}
              <Button variant="quiet" pressed={other} onClick={actions.staffOtherReason}>
                {other ? t('staff.otherReason', { reason: screen.reason }) : t('staff.other')}
              </Button>
            </div>
            <small className="hint">{t('staff.reasonHint')}</small>
          </fieldset>
          <div className="stack">
            <Button
              variant="primary"
              disabled={!reasonOk || screen.busy}
              onClick={() => void actions.staffOpenDoor()}
            >
              {t('staff.open')}
            </Button>
            {selected.state === 'out_of_service' ? (
              <Button
                disabled={!reasonOk || screen.busy}
                onClick={() => void actions.staffSetService(true)}
              >
                {t('staff.backInService')}
              </Button>
            ) : (
              <Button
                variant="danger"
                disabled={!reasonOk || screen.busy}
                onClick={() => void actions.staffSetService(false)}
              >
                {t('staff.outOfService')}
              </Button>
            )}
          </div>
        </>
      ) : (
        <p className="lead">{t('staff.select')}</p>
      )}
      <hr />
      <Button disabled={screen.busy} onClick={() => void actions.staffOpenAllExpired()}>
        {t('staff.openAllExpired')}
      </Button>
    </aside>
  );
}
