import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `cb_` + 24 random bytes: public, identifies the app. */
export function generateApiKey(): string {
  return `cb_${randomBytes(24).toString('base64url')}`;
}

/** `cbs_` + 32 random bytes: shown once, stored only as a hash. */
export function generateApiSecret(): string {
  return `cbs_${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 of the secret. The secret is 256 bits of randomness, so a fast hash
 * is enough: there is nothing to brute-force, unlike a human password.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  return constantTimeEqual(hashSecret(secret), storedHash);
}

/** Constant-time string equality; hashing first makes the lengths equal. */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
