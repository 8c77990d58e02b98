/**
 * `icsync emulate magento|icenter|minimax [options]`: a local stand-in for the shop or the ERP, for
 * trying icsync out and for tests. Prints one JSON line (base URL and the emulator's own
 * test credentials), then runs until SIGINT/SIGTERM.
 */
import { Option } from 'commander';
import { runIcenterEmulatorFromArgs, type IcenterEmulatorCliOptions } from '../../emulators/icenter/index.js';
import { runMinimaxEmulatorFromArgs, type MinimaxEmulatorCliOptions } from '../../emulators/minimax/index.js';
import { runMagentoEmulatorFromArgs, type MagentoEmulatorCliOptions } from '../../emulators/magento/cli.js';
import { MAGENTO_VERSIONS, type MagentoEmulator } from '../../emulators/magento/index.js';
import { SANDBOX_SOURCES, sandboxErpSeed, sandboxShopProducts, seedSandboxOrders } from '../../demo/sandbox.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { CommandEnv } from './shared.js';

export function registerEmulateCommand({ program, io }: CommandEnv): void {
  const emulate = program.command('emulate').description('run a local emulator of the shop or the ERP (for trying icsync out)');

  emulate
    .command('magento')
    .description('emulate the Magento 2 REST API (OAuth 1.0a integration, MSI, orders, invoices)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <seed>', 'starting data: demo (the sandbox shop, matching `emulate icenter --seed demo`), samples, none, or a JSON file')
    .addOption(new Option('--version <version>', 'Magento version to behave like').choices([...MAGENTO_VERSIONS]).default('2.4.8'))
    .option('--enable-integration-as-bearer', 'accept the integration access token as a Bearer token (2.4.4+ setting)')
    .option('--async-consumer', 'process bulk (async) requests as a consumer would')
    .action(async (opts: MagentoEmulatorCliOptions) => {
      // --seed demo: the sandbox's shop, whose every SKU is in `icsync emulate icenter --seed demo`.
      const demo = opts.seed === 'demo' ? { seed: { products: sandboxShopProducts() }, sourceCodes: SANDBOX_SOURCES, afterStart: async (e: MagentoEmulator) => void (await seedSandboxOrders(e)) } : {};
      const emulator = await start(() => runMagentoEmulatorFromArgs({ ...opts, ...demo, write: (line) => io.out(`${line}\n`) }));
      await runUntilStopped(io, () => emulator.close());
    });

  emulate
    .command('icenter')
    .description('emulate the SAOP iCenter REST API (Basic auth, OrganisationId, XML answers)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '8383')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <seed>', 'starting data: demo (the sandbox ERP, matching `emulate magento --seed demo`), a JSON file, or gen:<items>[:<seed>]', 'demo')
    .option('--tls', 'serve HTTPS with a self-signed certificate (its CA file is printed)')
    .addOption(new Option('--encoding <encoding>', 'character set of the answers').choices(['utf-8', 'windows-1250']))
    .option('--no-charset', 'leave the charset out of Content-Type')
    .option('--get-order-status-empty', 'answer GetOrderStatus with nothing (as some installations do)')
    .option('--auto-invoice-delay-ms <ms>', 'issue an invoice for each new order after this many milliseconds')
    .option('--user <user>', 'user name to accept')
    .option('--password <password>', 'password to accept')
    .action(async (opts: IcenterEmulatorCliOptions & { charset?: boolean }) => {
      const { charset, ...rest } = opts;
      // --seed demo (the default): the sandbox's ERP, which has every SKU of `icsync emulate magento --seed demo`.
      if (rest.seed === undefined || rest.seed === 'demo') rest.seed = sandboxErpSeed();
      const emulator = await start(() =>
        runIcenterEmulatorFromArgs({ ...rest, ...(charset === false && { noCharset: true }), write: (line) => io.out(`${line}\n`) }),
      );
      await runUntilStopped(io, () => emulator.close());
    });

  emulate
    .command('minimax')
    .description('emulate the SAOP Minimax REST API (OAuth2 password grant, JSON, the 1,000-call budget)')
    .option('--port <port>', 'port to listen on (0 = any free port)', '4000')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <seed>', 'starting data: gen:<items>[:<seed>] or a JSON file', 'gen:200:1')
    .addOption(new Option('--instance <instance>', 'which Minimax to behave like (path prefix and OAuth scope)').choices(['SI', 'HR', 'RS']).default('SI'))
    .option('--call-limit <calls>', 'calls allowed per organisation in 24 h', '1000')
    .option('--token-lifetime-sec <seconds>', 'lifetime of an access token', '3600')
    .option('--auto-invoice-delay-ms <ms>', 'invoice each new order (with its PDF) after this many milliseconds')
    .action(async (opts: MinimaxEmulatorCliOptions) => {
      const emulator = await start(() => runMinimaxEmulatorFromArgs({ ...opts, write: (line) => io.out(`${line}\n`) }));
      await runUntilStopped(io, () => emulator.close());
    });
}

async function start<T>(launch: () => Promise<T>): Promise<T> {
  try {
    return await launch();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new CliExit(EXIT.failure, `The port is already in use; choose another with --port (0 = any free port).`);
    throw new CliExit(EXIT.usage, (error as Error).message);
  }
}

async function runUntilStopped(io: CommandEnv['io'], close: () => Promise<void>): Promise<void> {
  const signal = await io.waitForStop();
  io.err(`${signal}: stopping the emulator\n`);
  await close();
}
