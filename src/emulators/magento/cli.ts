/** `icsync emulate magento`: starts the emulator and prints one JSON line (wiring lives in src/cli). */
import { startMagentoEmulator, type MagentoEmulator } from './index.js';
import { MAGENTO_VERSIONS, type MagentoVersion } from './options.js';
import type { SeedData } from './seed.js';

export interface MagentoEmulatorCliOptions {
  port?: number | string;
  host?: string;
  /** 'demo', 'samples', 'none', a JSON file, or data (the CLI passes the sandbox's). */
  seed?: string | SeedData;
  /** Stock sources besides `default`. */
  sourceCodes?: string[];
  /** Runs once the emulator listens, before the line is printed (e.g. placing orders through its admin API). */
  afterStart?: (emulator: MagentoEmulator) => Promise<void>;
  version?: string;
  enableIntegrationAsBearer?: boolean;
  asyncConsumer?: boolean;
  /** Where the line goes (default stdout). */
  write?: (line: string) => void;
}

export async function runMagentoEmulatorFromArgs(opts: MagentoEmulatorCliOptions): Promise<MagentoEmulator> {
  const version = (opts.version ?? '2.4.8') as MagentoVersion;
  if (!MAGENTO_VERSIONS.includes(version)) throw new Error(`--version must be one of ${MAGENTO_VERSIONS.join(', ')}`);
  const emulator = await startMagentoEmulator({
    port: opts.port === undefined ? 8080 : Number(opts.port),
    host: opts.host ?? '127.0.0.1',
    version,
    ...(opts.seed ? { seed: opts.seed } : {}),
    ...(opts.enableIntegrationAsBearer !== undefined ? { enableIntegrationAsBearer: opts.enableIntegrationAsBearer } : {}),
    ...(opts.asyncConsumer !== undefined ? { asyncConsumer: opts.asyncConsumer } : {}),
    ...(opts.sourceCodes ? { sourceCodes: opts.sourceCodes } : {}),
  });
  if (opts.afterStart) {
    try {
      await opts.afterStart(emulator);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }
  const c = emulator.credentials;
  // This line is the emulator's handshake: it carries credentials on purpose (local test shop).
  const line = JSON.stringify({
    baseUrl: emulator.baseUrl, restUrl: `${emulator.baseUrl}/rest`, version,
    consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, accessToken: c.accessToken, accessTokenSecret: c.accessTokenSecret,
    adminUser: c.adminUser, adminPassword: c.adminPassword,
  });
  (opts.write ?? ((text: string) => process.stdout.write(`${text}\n`)))(line);
  return emulator;
}
