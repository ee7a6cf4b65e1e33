// Neo4j's password rules: dbms.security.auth_minimum_password_length (default 8) for every
// password a user or an administrator sets, including the initial one (NEO4J_AUTH,
// set-initial-password); a user whose password must change may run nothing but the change.

import { Neo4jError, Status } from '../../core/errors.js';

export interface PasswordPolicy {
  readonly minimumLength: number;
}

export const DEFAULT_MINIMUM_PASSWORD_LENGTH = 8;

/** Reads dbms.security.auth_minimum_password_length from the raw settings. */
export function passwordPolicy(raw: ReadonlyMap<string, string>): PasswordPolicy {
  const text = raw.get('dbms.security.auth_minimum_password_length');
  if (text === undefined) return { minimumLength: DEFAULT_MINIMUM_PASSWORD_LENGTH };
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1) {
    throw new Neo4jError(Status.ArgumentError, `Invalid value for dbms.security.auth_minimum_password_length: '${text}' (expected an integer of at least 1)`);
  }
  return { minimumLength: value };
}

/** Neo4j's wording for a password that is too short. */
export function passwordTooShortMessage(policy: PasswordPolicy): string {
  return `A password must be at least ${policy.minimumLength} characters.`;
}

export function checkPasswordLength(password: string, policy: PasswordPolicy): void {
  if (password.length === 0) throw new Neo4jError(Status.InvalidArguments, 'A password cannot be empty.');
  // Neo4j counts characters (code points), not UTF-16 units.
  if ([...password].length < policy.minimumLength) throw new Neo4jError(Status.InvalidArguments, passwordTooShortMessage(policy));
}

/** The message Neo4j sends when a user whose password must change runs anything else. */
export const CREDENTIALS_EXPIRED_MESSAGE = 'Permission denied.\n\n'
  + 'The credentials you provided were valid, but must be changed before you can use this instance. '
  + 'If this is the first time you are using Neo4j, this is to ensure you are not using the default credentials in production. '
  + 'If you are not using default credentials, you are getting this message because an administrator requires a password change.\n'
  + 'Changing your password is easy to do via the Neo4j Browser.\n'
  + 'If you are connecting via a shell or programmatically via a driver, just issue a '
  + "`ALTER CURRENT USER SET PASSWORD FROM 'current password' TO 'new password'` statement against the system database in the current session, "
  + 'and then restart your driver with the new password configured.';
