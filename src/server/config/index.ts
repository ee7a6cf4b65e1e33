// Public face of the configuration package.
export type { ServerConfig } from './types.js';
export { loadServerConfig, type ConfigSources } from './load.js';
export { resolveServerConfig, parseSocketAddress, parseBoolean, DEFAULT_BOLT_PORT, DEFAULT_HTTP_PORT, DEFAULT_LISTEN_HOST } from './resolve.js';
export { ConfigError, parseConfText, parseEnvironment, envVarToSettingKey, settingKeyToEnvVar, type SettingEntry } from './sources.js';
export { classifySetting } from './settings.js';
