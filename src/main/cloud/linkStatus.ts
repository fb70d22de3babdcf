/** What the status bar shows about the cloud link, and a tiny observable to carry it. */

export type CloudConnectionState = 'online' | 'offline' | 'connecting';

export type CloudErrorCode =
  | 'connect_failed'
  | 'connection_lost'
  | 'duplicate_client_id'
  | 'not_enrolled'
  | 'enrolment_failed'
  | 'tls_config'
  /** The broker's certificate is not one the configured CA vouches for, or the handshake failed. */
  | 'tls_refused'
  /** The broker refused this unit's username and password (or client id). */
  | 'not_authorized'
  /** The configured broker credentials cannot be read. */
  | 'credentials_config';

export interface CloudLinkStatus {
  connection: CloudConnectionState;
  lastError: { code: CloudErrorCode; message: string; at: string } | null;
  /** Events the cloud has not acked yet. */
  backlog: number;
  ackedSeq: number;
  /** Local time minus the issue time of the last signed command (null before the first). */
  clockSkewMs: number | null;
  /** True while the last measured skew exceeds the threshold. */
  clockSkewed: boolean;
  /** When the next connection attempt is due, while offline. */
  nextAttemptAt: string | null;
}

export type StatusListener = (status: CloudLinkStatus) => void;

export class StatusBoard {
  private readonly listeners = new Set<StatusListener>();

  constructor(private readonly read: () => CloudLinkStatus) {}

  get(): CloudLinkStatus {
    return this.read();
  }

  subscribe(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    if (this.listeners.size === 0) return;
    const status = this.read();
    for (const l of this.listeners) l(status);
  }
}
