// Public face of the configuration package.
export type { ServerConfig, ClusterConfig, ListenerAddresses, RaftPeer } from './types.js';
export { loadServerConfig, type ConfigSources } from './load.js';
export { resolveServerConfig, parseSocketAddress, parseBoolean, DEFAULT_BOLT_PORT, DEFAULT_HTTP_PORT, DEFAULT_LISTEN_HOST } from './resolve.js';
export { ConfigError, parseConfText, parseEnvironment, envVarToSettingKey, settingKeyToEnvVar, type SettingEntry } from './sources.js';
export { classifySetting } from './settings.js';
export { parseDurationMs, parseList, parsePositiveInteger } from './parse.js';
export { DEFAULT_BACKUP_PORT, DEFAULT_DISCOVERY_PORT, DEFAULT_RAFT_PORT, DEFAULT_TRANSACTION_PORT } from './cluster.js';
export { translateTuGraphConfig } from './tugraph.js';
