// Locates neo4j.conf and the NEO4J_* environment and resolves them into a ServerConfig.
// File access comes in as a function so the loader stays testable without a disk.

import { isAbsolute, join, resolve } from 'node:path';
import { resolveServerConfig } from './resolve.js';
import { ConfigError, parseConfText, parseEnvironment, type SettingEntry } from './sources.js';
import { translateTuGraphConfig } from './tugraph.js';
import type { ServerConfig } from './types.js';

export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** the working directory: NEO4J_HOME when that is not set */
  readonly cwd: string;
  /** text of the file, or undefined when it does not exist */
  readonly readTextFile: (path: string) => string | undefined;
  /** settings given on the command line; they override file and environment */
  readonly overrides?: readonly SettingEntry[];
  /**
   * A configuration file named on the command line (`--config`): a `.json` file is read as
   * TuGraph's lgraph.json, anything else as a neo4j.conf in place of the default one.
   */
  readonly configFile?: string;
}

export function loadServerConfig(sources: ConfigSources): ServerConfig {
  const { env, cwd } = sources;
  const homeText = env['NEO4J_HOME'];
  const home = homeText === undefined || homeText === '' ? resolve(cwd) : resolve(cwd, homeText);
  const confText = env['NEO4J_CONF'];
  const confDir = confText === undefined || confText === '' ? join(home, 'conf') : isAbsolute(confText) ? confText : resolve(cwd, confText);
  const given = sources.configFile === undefined ? undefined : resolve(cwd, sources.configFile);
  const tugraph = given !== undefined && given.toLowerCase().endsWith('.json');
  const confPath = given ?? join(confDir, 'neo4j.conf');
  const text = sources.readTextFile(confPath);
  if (text === undefined && given !== undefined) throw new ConfigError(`configuration file ${given} does not exist`);
  if (text === undefined && confText !== undefined && confText !== '') {
    throw new ConfigError(`NEO4J_CONF is ${confText} but ${confPath} does not exist`);
  }
  const translated = tugraph && text !== undefined ? translateTuGraphConfig(text, confPath) : undefined;
  const fileEntries = text === undefined ? [] : translated !== undefined ? translated.entries : parseConfText(text, confPath);
  const entries = [...fileEntries, ...parseEnvironment(env), ...(sources.overrides ?? [])];
  const auth = env['NEO4J_AUTH'];
  const explicitMembers = translated === undefined ? undefined : {
    raftPeers: translated.raftPeers,
    ...(translated.memberId === undefined ? {} : { memberId: translated.memberId }),
  };
  const config = resolveServerConfig({
    home, entries, ...(auth === undefined ? {} : { auth }), ...(explicitMembers === undefined ? {} : { explicitMembers }),
  });
  const origin = text === undefined ? `no configuration file at ${confPath}; using defaults` : `configuration read from ${confPath}`;
  return { ...config, notices: [origin, ...(translated?.notices ?? []), ...config.notices] };
}
