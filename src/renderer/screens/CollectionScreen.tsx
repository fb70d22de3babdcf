/**
 * Collection: expired parcels and returns, each door opened in turn or chosen from the list, each
 * item scanned out or marked "taken out" from the list; returns go by their short reference.
 */
import { useTranslation } from 'react-i18next';
import { Button } from '../components/Button';
import { LockerDrawing } from '../components/LockerDrawing';
import { Notice } from '../components/Notice';
import { useKiosk } from '../store/kioskStore';

export function CollectionScreen() {
  const { t } = useTranslation();
  const screen = useKiosk((s) => s.screen);
  const layout = useKiosk((s) => s.layout);
  const session = useKiosk((s) => s.session);
  const actions = useKiosk.getState();
  if (screen.name !== 'collection') return null;
  const done = (id: string) => screen.collected.some((c) => c.compartmentId === id);
  const left = screen.items.filter((i) => !done(i.compartmentId));
  const current = screen.current;
  const doorInUse = current && current.phase !== 'closed';
  return (
    <main className="screen collection">
      <div className="screen-head">
        <h1>{t('collection.title')}</h1>
        <span className="spacer" />
        {session?.role === 'courier' && (
          <Button variant="quiet" onClick={() => actions.go('courier')}>
            {t('courier.title')}
          </Button>
        )}
        <Button variant="quiet" onClick={() => void actions.endSession()}>
          {t('common.logout')}
        </Button>
      </div>
      <div className="work-layout">
        <LockerDrawing layout={layout} highlight={doorInUse ? current.item.compartmentId : null} />
        <section className="work-main">
          <div className="card">
            <h2 data-testid="collection-count">
              {left.length > 0
                ? t('collection.toCollect', { count: left.length })
                : t('collection.none')}
            </h2>
            {current && (
              <p className="big-line" role="status" data-testid="collection-line">
                {current.phase === 'closed'
                  ? t('collection.closed', { id: current.item.compartmentId })
                  : t('collection.scanOut', { id: current.item.compartmentId })}
              </p>
            )}
            {left.length > 0 && !doorInUse && (
              <Button
                variant="primary"
                onClick={() => void actions.collectNext()}
                disabled={screen.busy}
              >
                {t('collection.openNext')}
              </Button>
            )}
          </div>
          {screen.notice && (
            <Notice tone={screen.notice.tone}>{t(screen.notice.key, screen.notice.params)}</Notice>
          )}
          <section className="card">
            <ul className="list" data-testid="collection-list">
              {screen.items.map((i) => {
                const isDone = done(i.compartmentId);
                const isOpen = current?.item.compartmentId === i.compartmentId && doorInUse;
                return (
                  <li key={i.compartmentId} className={isDone ? 'done' : ''}>
                    <span className="chip">{i.compartmentId}</span>
                    <span className="item-ref">{i.reference}</span>
                    <span className="muted">{t(`collection.${i.kind}`)}</span>
                    <span className="spacer" />
                    {isDone ? (
                      <span className="tag-ok">{t('collection.collected')}</span>
                    ) : isOpen ? (
                      <Button onClick={() => void actions.scanOut(i.barcode)}>
                        {t('collection.takenOut')}
                      </Button>
                    ) : (
                      !doorInUse && (
                        <Button
                          variant="quiet"
                          onClick={() => void actions.collectOne(i.compartmentId)}
                          disabled={screen.busy}
                        >
                          {t('collection.openThis', { id: i.compartmentId })}
                        </Button>
                      )
                    )}
                  </li>
                );
              })}
            </ul>
          </section>
        </section>
      </div>
    </main>
  );
}
