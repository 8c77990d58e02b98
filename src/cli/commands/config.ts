import { configJsonSchema, loadConfig, securityWarnings, settingProblems } from '../../config/index.js';
import { CliExit, EXIT } from '../exit-codes.js';
import { configPathOf, type CommandEnv } from './shared.js';

export function registerConfigCommands({ program, io }: CommandEnv): void {
  const config = program.command('config').description('check the configuration or print its JSON Schema');

  config
    .command('check')
    .description('validate the configuration file and list every problem')
    .action(() => {
      const file = configPathOf(program);
      const { config: parsed } = loadConfig(file);
      const enabled = Object.entries(parsed.flows)
        .filter(([, flow]) => flow.enabled)
        .map(([name]) => name);
      const problems = settingProblems(parsed);
      if (problems.length > 0) {
        throw new CliExit(EXIT.usage, `The configuration in ${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
      }
      io.out(`${file}: OK (shop: ${parsed.shop.type}, ERP: ${parsed.erp.type}, store: ${describeStore(parsed.store.url)}, flows: ${enabled.join(', ') || 'none'})\n`);
      for (const warning of securityWarnings(parsed)) io.out(`! warning: ${warning}\n`);
    });

  config
    .command('schema')
    .description('print the JSON Schema of icsync.yaml (for editors)')
    .action(() => {
      io.out(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

function describeStore(url: string): string {
  // Never print credentials that may sit in a postgres:// URL.
  return url.startsWith('postgres') ? url.replace(/\/\/[^@/]*@/, '//***@') : url;
}
