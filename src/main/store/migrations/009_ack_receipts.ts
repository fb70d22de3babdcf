/**
 * When the cloud's ack advanced, one row per hour (the last ack of that hour): events are
 * pruned only once an ack covering them has been on record for the retention period, so a
 * cloud restored from an older backup can still be served. Pruning deletes the rows it used.
 */
export const up = `
CREATE TABLE ack_receipts (
  hour INTEGER PRIMARY KEY,
  up_to_seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
`;
