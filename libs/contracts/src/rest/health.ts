import { Type, type Static } from '@sinclair/typebox';
import { Strict } from '../schema.ts';

export const HealthResponse = Strict(
  {
    status: Type.Literal('ok'),
    version: Type.String(),
    /** Seconds since the process started. */
    uptime: Type.Number({ description: 'Seconds since the process started.' }),
  },
  { title: 'Health', examples: [{ status: 'ok', version: '0.1.0', uptime: 123.45 }] },
);
export type HealthResponse = Static<typeof HealthResponse>;

const CheckResults = Type.Record(
  Type.String(),
  Type.Union([Type.Literal('ok'), Type.Literal('unavailable'), Type.Literal('saturated')]),
  { description: "Each dependency of this node (postgres, redis: ok or unavailable) and its load (ok, or saturated: at HEYYO_MAX_IN_FLIGHT)." },
);

export const ReadyResponse = Strict({ status: Type.Literal('ready'), checks: CheckResults }, { title: 'Ready' });
export type ReadyResponse = Static<typeof ReadyResponse>;
export const NotReadyResponse = Strict({ status: Type.Literal('unavailable'), checks: CheckResults }, { title: 'NotReady' });
export type NotReadyResponse = Static<typeof NotReadyResponse>;
