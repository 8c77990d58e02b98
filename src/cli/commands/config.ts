import type { Command } from 'commander';
import { configJsonSchema, loadConfig, resolveConfigPath } from '../../config/index.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check the configuration or print its JSON Schema');

  config
    .command('check')
    .description('validate the configuration file and list every problem')
    .action(() => {
      const file = resolveConfigPath(program.opts<{ config?: string }>().config);
      const { config: parsed } = loadConfig(file);
      const enabled = Object.entries(parsed.flows)
        .filter(([, flow]) => flow.enabled)
        .map(([name]) => name);
      process.stdout.write(`${file}: OK (shop: ${parsed.shop.type}, ERP: ${parsed.erp.type}, store: ${describeStore(parsed.store.url)}, flows: ${enabled.join(', ') || 'none'})\n`);
    });

  config
    .command('schema')
    .description('print the JSON Schema of icsync.yaml (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}

function describeStore(url: string): string {
  // Never print credentials that may sit in a postgres:// URL.
  return url.startsWith('postgres') ? url.replace(/\/\/[^@/]*@/, '//***@') : url;
}
