/** Exit codes of the `icsync` command (documented in the README and `icsync --help`). */
export const EXIT = {
  ok: 0,
  /** Something failed while running (a flow, a connection, a check). */
  failure: 1,
  /** The command line or the configuration is wrong: nothing was run. */
  usage: 2,
} as const;

/** Thrown by commands to end with a given exit code and a message for the person. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
