/**
 * The `icsync` command. Each command lives in commands/<name>.ts and registers itself here.
 * Exit codes: 0 ok, 1 failure, 2 usage or configuration (see exit-codes.ts). Expected
 * failures end with one sentence on stderr, never a stack trace.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { isSyncError } from '../core/errors.js';
import { RecordNotFoundError } from '../engine/index.js';
import { StoreConfigError, StoreError } from '../store/index.js';
import { CliExit, EXIT } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEmulateCommand } from './commands/emulate.js';
import { registerExplainCommand } from './commands/explain.js';
import { registerRecordCommands } from './commands/records.js';
import { registerRunCommand } from './commands/run.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerStatusCommand } from './commands/status.js';
import { registerSyncCommand } from './commands/sync.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command('icsync')
    .description('Keeps a Magento 2 shop and an ERP (SAOP iCenter) in step: products, stock, customers, orders and invoices.')
    .version(version, '-V, --version')
    .option('-c, --config <file>', 'configuration file (default: $ICSYNC_CONFIG or ./icsync.yaml)')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage or configuration error.')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError()
    // Root options only before the command, so `icsync emulate magento --version 2.4.3` reaches
    // the emulator; -c/--config is accepted after the command too (added to each one below).
    .enablePositionalOptions()
    .exitOverride();
  const env = { program, io };
  registerConfigCommands(env);
  registerRunCommand(env);
  registerSyncCommand(env);
  registerStatusCommand(env);
  registerExplainCommand(env);
  registerRecordCommands(env);
  registerDoctorCommand(env);
  registerEmulateCommand(env);
  registerDemoCommand(env);
  registerSandboxCommand(env);
  acceptConfigAfterCommand(program);
  return program;
}

/** `icsync doctor -c x.yaml` as well as `icsync -c x.yaml doctor`: the later one wins. */
function acceptConfigAfterCommand(program: Command): void {
  const add = (command: Command) => {
    if (command.name() === 'emulate') return;
    if (command.commands.length === 0) command.option('-c, --config <file>', 'configuration file (default: $ICSYNC_CONFIG or ./icsync.yaml)');
    command.commands.forEach(add);
  };
  program.commands.forEach(add);
  program.hook('preAction', (_root, action) => {
    const file = action.opts<{ config?: string }>().config;
    if (action !== program && file !== undefined) program.setOptionValue('config', file);
  });
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The exit code for a thrown error, after writing the one sentence a person needs. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof ConfigError || error instanceof StoreConfigError) {
    io.err(`${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof CliExit) {
    if (error.message) io.err(`${error.message}\n`);
    return error.code;
  }
  if (isSyncError(error)) {
    io.err(`${error.sentence}\n`);
    return error.errorClass === 'configuration' ? EXIT.usage : EXIT.failure;
  }
  if (error instanceof RecordNotFoundError || error instanceof StoreError) {
    io.err(`${error.message}\n`);
    return EXIT.failure;
  }
  io.err(`icsync: ${(error as Error).message ?? String(error)}\n`);
  return EXIT.failure;
}
