// How Causeway presents itself to Neo4j tooling. Drivers and tools parse these strings, so they
// follow Neo4j's shapes (see BOLT.md 0.3 and NEO4J-SURFACE.md 0.7: @neo4j/graphql wants >= 5.23).

/** The Neo4j version we are compatible with and announce. */
export const NEO4J_COMPATIBLE_VERSION = '5.26.0';
export const CAUSEWAY_PRODUCT_VERSION = '0.1.0';
export const NEO4J_EDITION = 'community';

/**
 * HELLO SUCCESS `server`: "Neo4j/<version>" first (driver 1.7 parses it with a strict pattern that
 * allows a suffix after "-" but no spaces), then the product name.
 */
export const BOLT_SERVER_AGENT = `Neo4j/${NEO4J_COMPATIBLE_VERSION}-causeway-${CAUSEWAY_PRODUCT_VERSION}`;
