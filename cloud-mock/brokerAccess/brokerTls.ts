/** The TLS files of the cloud's own broker link (--broker-ca, --broker-cert, --broker-key), read once. */
import { readFileSync } from 'node:fs';

export interface BrokerTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface BrokerTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Reads the files; throws naming the option and the file when one cannot be read. */
export function readBrokerTls(files: BrokerTlsFiles): BrokerTls {
  if ((files.certFile === undefined) !== (files.keyFile === undefined))
    throw new Error(
      '--broker-cert and --broker-key go together (a client certificate and its key)',
    );
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(`${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`);
    }
  };
  return {
    ...(files.caFile ? { ca: read('--broker-ca', files.caFile) } : {}),
    ...(files.certFile ? { cert: read('--broker-cert', files.certFile) } : {}),
    ...(files.keyFile ? { key: read('--broker-key', files.keyFile) } : {}),
  };
}
