// The resolved server configuration: what the config loader produces and the server consumes.

export interface ServerConfig {
  /** NEO4J_HOME: base for relative paths */
  readonly home: string;
  readonly dataDir: string;
  readonly logsDir: string;
  readonly bolt: { readonly enabled: boolean; readonly host: string; readonly port: number; readonly advertisedHost: string; readonly advertisedPort: number };
  readonly http: { readonly enabled: boolean; readonly host: string; readonly port: number };
  readonly authEnabled: boolean;
  /** Docker's NEO4J_AUTH=neo4j/<password>: the password for the neo4j user on first start */
  readonly initialPassword?: string;
  readonly defaultDatabase: string;
  readonly mode: 'SINGLE' | 'CORE' | 'READ_REPLICA';
  /** fsync each commit batch (on by default; off only for throwaway test stores) */
  readonly fsyncOnCommit: boolean;
  /** every accepted key as written, for settings not yet modelled above (dbms.listConfig) */
  readonly raw: ReadonlyMap<string, string>;
  /** lines to log at startup (accepted-but-unused keys and similar) */
  readonly notices: readonly string[];
}
