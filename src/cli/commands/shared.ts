/** What every command's registration receives: the root program (for --config) and the io. */
import type { Command } from 'commander';
import { resolveConfigPath } from '../../config/index.js';
import { ENTITY_KINDS, type EntityKind } from '../../store/index.js';
import { CliExit, EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

export interface CommandEnv {
  program: Command;
  io: CliIo;
}

export function configPathOf(program: Command): string {
  return resolveConfigPath(program.opts<{ config?: string }>().config);
}

/** Checks a `<kind>` argument: one of the ledger kinds, else a usage error naming them. */
export function parseKind(value: string): EntityKind {
  if ((ENTITY_KINDS as readonly string[]).includes(value)) return value as EntityKind;
  throw new CliExit(EXIT.usage, `"${value}" is not a record kind; use one of: ${ENTITY_KINDS.join(', ')}.`);
}
