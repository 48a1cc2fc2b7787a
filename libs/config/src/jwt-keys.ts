import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JwtKey {
  /** Key id, written into every token header so keys can rotate. */
  kid: string;
  secret: string;
}

const MIN_SECRET_LENGTH = 32;

/**
 * Parses `kid:secret[,kid:secret…]`. The first key signs; all of them verify,
 * so a rotation adds the new key in front and drops the old one a TTL later.
 */
export function parseJwtKeys(value: string, problems: string[]): JwtKey[] {
  const keys: JwtKey[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const separator = entry.indexOf(':');
    const kid = entry.slice(0, separator);
    const secret = entry.slice(separator + 1);
    if (separator < 1 || !/^[A-Za-z0-9._-]{1,64}$/.test(kid)) {
      problems.push('HEYYO_JWT_KEYS entries must look like kid:secret (kid of letters, digits, . _ -)');
    } else if (secret.length < MIN_SECRET_LENGTH) {
      problems.push(`HEYYO_JWT_KEYS secret for kid "${kid}" must be at least ${MIN_SECRET_LENGTH} characters`);
    } else if (keys.some((key) => key.kid === kid)) {
      problems.push(`HEYYO_JWT_KEYS has kid "${kid}" twice`);
    } else {
      keys.push({ kid, secret });
    }
  }
  if (keys.length === 0 && problems.length === 0) problems.push('HEYYO_JWT_KEYS has no keys');
  return keys;
}

/**
 * Local development only: a random signing key kept in the data folder, so
 * tokens survive restarts and every local node started from this folder shares it.
 */
export function loadOrCreateDevJwtKey(dataDir: string): JwtKey {
  const file = join(dataDir, 'dev-jwt-key');
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx' fails when the file exists, so two nodes starting at once agree on one key.
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { kid: 'dev', secret: readFileSync(file, 'utf8').trim() };
}
