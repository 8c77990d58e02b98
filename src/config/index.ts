export { configSchema, FLOW_NAMES, type Config, type FlowName } from './schema.js';
export { ConfigError, loadConfig, parseConfigText, resolveConfigPath, formatIssues, type LoadedConfig } from './load.js';
export { configJsonSchema } from './json-schema.js';
