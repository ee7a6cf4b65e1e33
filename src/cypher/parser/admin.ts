// Security administration commands. Causeway has one built-in user store and no roles, so only
// the password change clients issue by themselves is supported: cypher-shell and Browser send
// `ALTER CURRENT USER SET PASSWORD FROM $old TO $new`, which becomes a call of the server's
// `dbms.security.changePassword(new)` procedure (the session is already authenticated as the
// user). TERMINATE TRANSACTIONS is parsed as a SHOW-shaped command (runtime/show.ts) whose rows
// the server supplies. Other user/role/privilege commands are recognised and refused as not supported.

import { notSupported } from '../../core/errors.js';
import type { Expression, StatementBody } from '../ast/index.js';
import { parseExpression } from './expressions.js';
import { parseTerminateTransactions } from './schema.js';
import type { TokenStream } from './stream.js';

const ADMIN_OBJECTS = ['USER', 'USERS', 'ROLE', 'ROLES', 'ALIAS', 'SERVER', 'PRIVILEGE', 'PRIVILEGES', 'COMPOSITE'];

/** True at a security/administration command (not a query or schema command). */
export function atAdminCommand(ts: TokenStream): boolean {
  if (ts.atKeyword('GRANT') || ts.atKeyword('DENY') || ts.atKeyword('REVOKE')) return ts.atName(1);
  if (ts.atKeyword('TERMINATE')) return ts.atKeyword('TRANSACTION', 1) || ts.atKeyword('TRANSACTIONS', 1);
  if (ts.atKeyword('ALTER')) return ts.atName(1);
  if (ts.atKeyword('CREATE') || ts.atKeyword('DROP') || ts.atKeyword('RENAME')) {
    let k = 1;
    if (ts.atKeywords('CREATE', 'OR', 'REPLACE')) k = 3;
    return ADMIN_OBJECTS.includes(ts.peek(k).value) && ts.peek(k).type === 'ident';
  }
  return false;
}

export function parseAdminCommand(ts: TokenStream): StatementBody {
  const start = ts.peek().start;
  if (ts.atKeyword('TERMINATE')) return parseTerminateTransactions(ts);
  if (ts.atKeywords('ALTER', 'CURRENT', 'USER', 'SET', 'PASSWORD', 'FROM')) {
    ts.pos += 6;
    const oldPassword: Expression = parseExpression(ts);
    ts.expectKeyword('TO');
    const newPassword = parseExpression(ts);
    void oldPassword; // verified by the authenticated session, see the file comment
    const span = ts.spanFrom(start);
    return {
      kind: 'SingleQuery',
      span,
      clauses: [{ kind: 'CallProcedure', name: 'dbms.security.changePassword', args: [newPassword], yieldItems: null, yieldStar: false, where: null, span }],
    };
  }
  const words: string[] = [];
  for (let i = 0; i < 2 && ts.peek(i).type === 'ident'; i++) words.push(ts.peek(i).value);
  throw notSupported(`The administration command ${words.join(' ')}`);
}
