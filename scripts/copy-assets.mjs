// tsc compiles only .ts: copy the data files that modules read at run time next to their
// compiled modules in dist/ (the Magento emulator's official schema and samples, the dashboard's page).
import { cpSync, existsSync } from 'node:fs';

const assets = ['emulators/magento/data', 'server/assets'];
for (const asset of assets) {
  if (existsSync(`src/${asset}`)) cpSync(`src/${asset}`, `dist/${asset}`, { recursive: true });
}
