/**
 * `icsync sandbox`: both emulators with data that fit together (src/demo/sandbox.ts), a ready
 * configuration written to disk, and the commands to try printed. Runs until Ctrl-C.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIcenterEmulator } from '../../emulators/icenter/index.js';
import { SANDBOX_SIZE, sandboxCommands, sandboxErpSeed, startSandboxMagento, writeSandboxConfig } from '../../demo/sandbox.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { CommandEnv } from './shared.js';

interface SandboxFlags {
  dir: string;
  host: string;
  magentoPort: string;
  icenterPort: string;
  dashboardPort: string;
}

const port = (value: string, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliExit(EXIT.usage, `--${name} must be a port number (0 = any free port), not "${value}".`);
  return n;
};

/** How a person starts icsync from here: from a clone (TypeScript sources) `npm run icsync --`, installed `icsync`. */
function commandPrefix(): string {
  return fileURLToPath(import.meta.url).endsWith('.ts') ? 'npm run icsync --' : 'icsync';
}

export function registerSandboxCommand({ program, io }: CommandEnv): void {
  program
    .command('sandbox')
    .description('start both emulators with matching data, write a ready configuration, and print the commands to try')
    .option('--dir <folder>', 'folder of the configuration, its secrets and the SQLite store', 'data/sandbox')
    .option('--host <host>', 'address the emulators listen on', '127.0.0.1')
    .option('--magento-port <port>', 'port of the Magento emulator (0 = any free port)', '8080')
    .option('--icenter-port <port>', 'port of the iCenter emulator (0 = any free port)', '8383')
    .option('--dashboard-port <port>', 'server.port written into the configuration, for icsync run', '8090')
    .action(async (flags: SandboxFlags) => {
      const stopped = io.waitForStop();
      const ports = { magento: port(flags.magentoPort, 'magento-port'), icenter: port(flags.icenterPort, 'icenter-port'), dashboard: port(flags.dashboardPort, 'dashboard-port') };
      const started = await Promise.allSettled([
        startIcenterEmulator({ host: flags.host, port: ports.icenter, seed: sandboxErpSeed() }),
        startSandboxMagento({ host: flags.host, port: ports.magento }),
      ]);
      const [icenterResult, magentoResult] = started;
      if (icenterResult.status === 'rejected' || magentoResult.status === 'rejected') {
        await Promise.allSettled(started.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
        const error = (icenterResult.status === 'rejected' ? icenterResult.reason : (magentoResult as PromiseRejectedResult).reason) as { code?: string; message?: string };
        if (error.code === 'EADDRINUSE') throw new CliExit(EXIT.failure, `A port is already in use; choose others with --magento-port and --icenter-port (0 = any free port).`);
        throw error;
      }
      const icenter = icenterResult.value;
      const magento = magentoResult.value;
      try {
        const { configPath, secretsDir } = writeSandboxConfig(flags.dir, icenter, magento, { host: '127.0.0.1', port: ports.dashboard });
        const dashboard = `http://127.0.0.1:${ports.dashboard}/`;
        const lines = [
          'icsync sandbox: two emulators with data that fit together',
          `  iCenter  ${icenter.baseUrl}  (${SANDBOX_SIZE.items + 1} items incl. the shipping item DOSTAVA, ${SANDBOX_SIZE.erpCustomers} partners, warehouses ${'0000001, 0000003, 0000005'})`,
          `  Magento  ${magento.baseUrl}  (${magento.runtime.state.products.size} products, all of them iCenter items; ${magento.runtime.state.orders.size} orders; one order's total is 1.00 off on purpose and will wait for a person)`,
          `Configuration: ${relative(process.cwd(), configPath) || configPath} (the emulators' credentials in ${relative(process.cwd(), secretsDir) || secretsDir}/, read with \${file:…})`,
          'Try, in another terminal:',
          ...sandboxCommands(configPath, commandPrefix(), dashboard).map((line) => `  ${line}`),
          'Ctrl-C stops the emulators (their data lives in memory; the store file stays).',
          '',
        ];
        io.out(lines.join('\n'));
        const signal = await stopped;
        io.err(`${signal}: stopping the sandbox\n`);
      } finally {
        await Promise.allSettled([icenter.close(), magento.close()]);
      }
    });
}
