// SHA-1 for the WebSocket accept key (RFC 6455 mandates it; not used for security).

import { createHash } from 'node:crypto';

export function sha1Base64(text: string): string {
  return createHash('sha1').update(text, 'latin1').digest('base64');
}
