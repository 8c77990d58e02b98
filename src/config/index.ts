export { configSchema, FLOW_NAMES, type Config, type FlowName } from './schema.js';
export { ConfigError, loadConfig, parseConfigText, resolveConfigPath, formatIssues, type HiddenValues, type LoadedConfig } from './load.js';
export { secretFields, secretValues, type SettingPath } from './secrets.js';
export { configJsonSchema } from './json-schema.js';
export { settingProblems, type SettingProblem } from './checks.js';
export { securityWarnings } from './warnings.js';
