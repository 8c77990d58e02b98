/**
 * The `icsync` command. Each command lives in commands/<name>.ts and registers itself here.
 * Exit codes: 0 ok, 1 failure, 2 usage or configuration (see exit-codes.ts).
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { CliExit, EXIT } from './exit-codes.js';
import { registerConfigCommands } from './commands/config.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('icsync')
    .description('Keeps a Magento 2 shop and an ERP (SAOP iCenter) in step: products, stock, customers, orders and invoices.')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'configuration file (default: $ICSYNC_CONFIG or ./icsync.yaml)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage or configuration error.')
    .showHelpAfterError()
    .exitOverride();
  registerConfigCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CliExit) {
      if (error.message) process.stderr.write(`${error.message}\n`);
      return error.code;
    }
    process.stderr.write(`icsync: ${(error as Error).message ?? String(error)}\n`);
    return EXIT.failure;
  }
}
