/**
 * Where a command writes and how it learns it should stop. `main` uses the process's streams
 * and signals; tests pass their own, so every command runs in-process with its output captured.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether standard error is a terminal (progress bars, colours). */
  isTTY: boolean;
  /** Resolves with the signal's name when the process is asked to stop (SIGINT, SIGTERM). */
  waitForStop(): Promise<string>;
  /** The stream a progress bar draws on (only used when isTTY). */
  progressStream?: NodeJS.WritableStream;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    progressStream: process.stderr,
    waitForStop: () =>
      new Promise((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(signal);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }),
  };
}
