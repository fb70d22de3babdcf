/**
 * Test support: a throwaway PKI made with the real `openssl` binary in a temp dir: a CA, a
 * server certificate for 127.0.0.1/localhost, client certificates, and a second CA that signs an
 * impostor's server certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OPENSSL = process.env.OPENSSL_BIN ?? 'openssl';

export interface CertFiles {
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  /** The CA every party here trusts. */
  caFile: string;
  /** The broker's certificate, SAN IP:127.0.0.1 and DNS:localhost, signed by the CA. */
  server: CertFiles;
  /** The same names, signed by another CA nobody trusts: an impostor broker. */
  impostorServer: CertFiles;
  /** A client certificate signed by the CA (CN = `name`). */
  client(name: string): CertFiles;
  close(): void;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

function makeCa(dir: string, name: string): CertFiles {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { certFile, keyFile };
}

function issue(
  dir: string,
  ca: CertFiles,
  name: string,
  extensions: string[],
  subject = name,
): CertFiles {
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, `${extensions.join('\n')}\n`);
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      `/CN=${subject}`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    dir,
  );
  return { certFile, keyFile };
}

const SERVER_EXT = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,keyAgreement',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=IP:127.0.0.1,DNS:localhost',
];
const CLIENT_EXT = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,keyAgreement',
  'extendedKeyUsage=clientAuth',
];

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
  const ca = makeCa(dir, 'test-ca');
  const otherCa = makeCa(dir, 'impostor-ca');
  return {
    dir,
    caFile: ca.certFile,
    server: issue(dir, ca, 'server', SERVER_EXT, 'localhost'),
    impostorServer: issue(dir, otherCa, 'impostor-server', SERVER_EXT, 'localhost'),
    client: (name) =>
      issue(dir, ca, `client-${name.replace(/[^A-Za-z0-9-]/g, '_')}`, CLIENT_EXT, name),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
