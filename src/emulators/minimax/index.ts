/** Public surface of the Minimax emulator (tests, demo, benchmarks, CLI). */
export { startMinimaxEmulator } from './server.js';
export type { MinimaxEmulator, MinimaxEmulatorOptions, MinimaxRequestLogEntry } from './server.js';
export { generateMinimaxSeed } from './seed.js';
export type { MinimaxSeed, MinimaxSeedOptions, OrganisationSeed, ItemSeed, CustomerSeed } from './seed.js';
export { DEFAULT_SETTINGS as MINIMAX_DEFAULT_SETTINGS } from './settings.js';
export type { MinimaxEmulatorSettings, MinimaxSettingsPatch } from './settings.js';
export type { FaultConfig, FaultRule, FaultKind } from './faults.js';
export { runMinimaxEmulatorFromArgs } from './cli.js';
export type { MinimaxEmulatorCliOptions } from './cli.js';
