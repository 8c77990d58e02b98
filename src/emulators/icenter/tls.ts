/**
 * A throwaway CA and a server certificate it signs (SAN: localhost, 127.0.0.1, ::1), so clients can
 * verify the emulator with `ca` instead of turning verification off. The CA is written to a temp file.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  key: string;
  cert: string;
  ca: string;
  caPath: string;
}

export async function makeTlsMaterial(extraHosts: string[] = []): Promise<TlsMaterial> {
  const notAfterDate = new Date(Date.now() + 365 * 86_400_000);
  const ca = await generate([{ name: 'commonName', value: 'icsync iCenter emulator CA' }], {
    keySize: 2048, algorithm: 'sha256', notAfterDate,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }],
  });
  const dnsNames = ['localhost', ...extraHosts.filter((h) => !/^[\d.:]+$/.test(h))];
  const ips = ['127.0.0.1', '::1', ...extraHosts.filter((h) => /^[\d.:]+$/.test(h) && h !== '0.0.0.0')];
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048, algorithm: 'sha256', notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...[...new Set(ips)].map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'icsync-icenter-emulator-'));
  const caPath = join(dir, 'ca.pem');
  await writeFile(caPath, ca.cert);
  return { key: server.private, cert: server.cert, ca: ca.cert, caPath };
}
