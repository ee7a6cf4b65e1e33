// The release version, kept equal to package.json's by a unit test (no file read at startup).
export const CAUSEWAY_VERSION = '0.1.0';
/** The Neo4j version whose surface Causeway follows, as `causeway version` reports it. */
export const NEO4J_COMPATIBILITY = '5';
/** The neo4j-driver release the shell is built on (a test keeps it equal to the installed one). */
export const NEO4J_DRIVER_VERSION = '6.3.0';
