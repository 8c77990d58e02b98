/** Public surface of the iCenter emulator (tests, demo, benchmarks, CLI). */
export { startIcenterEmulator } from './server.js';
export type { IcenterEmulator, IcenterEmulatorOptions, RequestLogEntry } from './server.js';
export { runIcenterEmulatorFromArgs, icenterOptionsFromCli } from './cli.js';
export type { IcenterEmulatorCliOptions } from './cli.js';
export { generateIcenterSeed, demoSeed } from './seed-generator.js';
export type { SeedGeneratorOptions } from './seed-generator.js';
export type { IcenterSeed, OrganisationSeed, ItemSeed } from './seed.js';
export { DEFAULT_SETTINGS } from './settings.js';
export type { EmulatorSettings, SettingsPatch } from './settings.js';
export type { FaultConfig, FaultRule, FaultKind } from './faults.js';
