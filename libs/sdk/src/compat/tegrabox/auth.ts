/** `client.auth`: what the client's user token proves, checked by the server. */
import type { VerifyResponse } from '@heyyo/contracts';
import { request } from './http.ts';
import { toAuthInfo } from './mapping.ts';
import type { Session } from './session.ts';
import type { AuthInfo } from './types.ts';

export class AuthAPI {
  constructor(private readonly session: Session) {}

  /** The token's user (`user.userId` is the internal id), app, role and expiry; AuthenticationError for a bad token. */
  async verify(): Promise<AuthInfo> {
    return toAuthInfo((await request<VerifyResponse>(this.session, 'GET', '/api/auth/verify', 'user')).body);
  }
}
