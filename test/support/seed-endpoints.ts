/**
 * Every endpoint of the seed's API reference (shared/seeds/001_…txt), as OpenAPI paths:
 * what the docs must list for a user who comes from the seed.
 */
export const SEED_ENDPOINTS = [
  ['GET', '/health'],
  ['POST', '/api/apps'],
  ['GET', '/api/apps'],
  ['POST', '/api/auth/token'],
  ['POST', '/api/channels'],
  ['GET', '/api/channels'],
  ['GET', '/api/channels/discover'],
  ['GET', '/api/channels/{id}'],
  ['POST', '/api/channels/{id}/join'],
  ['POST', '/api/channels/{id}/members'],
  ['GET', '/api/channels/{id}/messages'],
  ['POST', '/api/channels/{id}/messages'],
  ['DELETE', '/api/channels/{id}/messages/{messageId}'],
  ['POST', '/api/channels/{id}/messages/{messageId}/reactions'],
] as const;
