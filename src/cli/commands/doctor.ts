/** `icsync doctor`: checks the connections and every code the configuration names; exit 1 when one is wrong. */
import { withContext } from '../context.js';
import { runDoctorChecks } from '../doctor.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { configPathOf, type CommandEnv } from './shared.js';

export function registerDoctorCommand({ program, io }: CommandEnv): void {
  program
    .command('doctor')
    .description('check both connections and that every mapped code exists in the ERP and the shop')
    .action(async () => {
      const results = await withContext(configPathOf(program), { io, minLevel: 'error' }, async (ctx) => {
        io.out(`✓ configuration: ${ctx.config.shop.type} ↔ ${ctx.config.erp.type}, store ${ctx.store.target}\n`);
        return runDoctorChecks(ctx.config, ctx.erp, ctx.shop);
      });
      for (const result of results) io.out(`${result.warning ? '!' : result.ok ? '✓' : result.skipped ? '–' : '✗'} ${result.text}\n`);
      const failed = results.filter((result) => !result.ok && !result.skipped).length;
      if (failed > 0) throw new CliExit(EXIT.failure, `${failed} check${failed === 1 ? '' : 's'} failed.`);
      io.out('All checks passed.\n');
    });
}
