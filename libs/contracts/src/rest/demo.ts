import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../schema.ts';

/** The longest display name a demo user may pick, in characters once trimmed. */
export const DEMO_DISPLAY_NAME_MAX = 64;

export const DemoSessionRequest = Strict(
  {
    display_name: Type.String({
      minLength: 1,
      // Room for surrounding whitespace, which is trimmed before the 1–64 rule applies.
      maxLength: 255,
      description: `Shown to the other members: 1–${DEMO_DISPLAY_NAME_MAX} characters once trimmed (surrounding whitespace is dropped). Need not be unique.`,
    }),
  },
  { title: 'DemoSessionRequest', examples: [{ display_name: 'Jane' }] },
);
export type DemoSessionRequest = Static<typeof DemoSessionRequest>;

export const DemoSessionResponse = Strict(
  {
    token: Type.String({ description: 'A user JWT of the demo app, as `POST /api/auth/token` gives (default lifetime).' }),
    user: Strict({
      id: Uuid,
      external_id: Type.String({ description: '`demo-<uuid>`: every session is a new user.' }),
      display_name: Type.String(),
    }),
    /** The demo channel `general`, which the user has joined. */
    channel_id: Uuid,
    /** When the token expires. */
    expires_at: Timestamp,
  },
  {
    title: 'DemoSessionResponse',
    examples: [
      {
        token: 'eyJ…',
        user: { id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11', external_id: 'demo-3f1e…', display_name: 'Jane' },
        channel_id: '5d0c9e1a-2f3b-4c5d-8e9f-0a1b2c3d4e5f',
        expires_at: '2026-01-31T13:00:00.000Z',
      },
    ],
  },
);
export type DemoSessionResponse = Static<typeof DemoSessionResponse>;
