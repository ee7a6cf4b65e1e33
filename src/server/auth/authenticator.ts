// Checks the auth token of HELLO/LOGON. Only "basic" is supported; with auth disabled any token
// (including scheme "none") is accepted, as in Neo4j with dbms.security.auth_enabled=false.

import { Neo4jError, Status } from '../../core/errors.js';
import type { Authenticator } from '../../bolt/services.js';
import type { CypherMap } from '../../cypher/values/value.js';
import type { UserRepository } from './users.js';

export const UNAUTHORIZED_MESSAGE = 'The client is unauthorized due to authentication failure.';

export function unauthorized(message = UNAUTHORIZED_MESSAGE): Neo4jError {
  return new Neo4jError(Status.Unauthorized, message);
}

export class DisabledAuthenticator implements Authenticator {
  async authenticate(token: CypherMap): Promise<string> {
    const principal = token.get('principal');
    return typeof principal === 'string' ? principal : '';
  }
}

export class BasicAuthenticator implements Authenticator {
  constructor(private readonly users: UserRepository) {}

  async authenticate(token: CypherMap): Promise<string> {
    const scheme = token.get('scheme');
    if (scheme !== 'basic') {
      throw unauthorized(scheme === 'none' || scheme === undefined
        ? UNAUTHORIZED_MESSAGE
        : `Unsupported authentication token, scheme '${String(scheme)}' is not supported.`);
    }
    const principal = token.get('principal');
    const credentials = token.get('credentials');
    if (typeof principal !== 'string' || typeof credentials !== 'string') throw unauthorized();
    if (!(await this.users.verify(principal, credentials))) throw unauthorized();
    return principal;
  }
}
