/**
 * Status events: what merchants, dashboards and customers are told, written in the same
 * transaction as the change it reports, so nothing committed goes untold and nothing rolled
 * back is told (src/shared/rest/statusEvents.ts).
 */
export const up = `
CREATE TABLE status_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  locker_id TEXT NOT NULL,
  parcel_id TEXT,
  return_id TEXT,
  data TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX status_events_by_locker ON status_events(locker_id, id);
CREATE INDEX status_events_by_parcel ON status_events(parcel_id, id) WHERE parcel_id IS NOT NULL;
CREATE INDEX status_events_by_return ON status_events(return_id, id) WHERE return_id IS NOT NULL;
`;
