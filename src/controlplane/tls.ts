/**
 * The API server's serving certificate: created once per data directory (self-signed,
 * EC P-256, for 127.0.0.1, ::1, localhost and the listen host), kept with mode 0600,
 * and given to clients as the kubeconfig's certificate authority. TLS is needed, not
 * just nice: kubectl never sends a bearer token over plain HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface ServingCert {
  cert: string;
  key: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/** Loads `tls.crt`/`tls.key` from `dir`, or creates them for `hosts`. */
export async function loadOrCreateServingCert(dir: string, hosts: readonly string[]): Promise<ServingCert> {
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  }
  const names = new Set([
    '127.0.0.1',
    '::1',
    'localhost',
    ...hosts.filter((h) => h && h !== '0.0.0.0' && h !== '::'),
  ]);
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'capstan-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...names].map((n) =>
          isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n },
        ),
      },
    ],
  });
  fs.writeFileSync(keyFile, pems.private, { mode: 0o600 });
  fs.writeFileSync(certFile, pems.cert, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private };
}
