import { Type, type Static } from '@sinclair/typebox';
import { Strict, Timestamp, Uuid } from '../schema.ts';

export const CreateAppRequest = Strict(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { title: 'CreateAppRequest', examples: [{ name: 'Acme Chat' }] },
);
export type CreateAppRequest = Static<typeof CreateAppRequest>;

const appFields = {
  id: Uuid,
  name: Type.String(),
  api_key: Type.String({ examples: ['cb_3f9a…'] }),
  created_at: Timestamp,
};

export const AppSummary = Strict(appFields, { title: 'AppSummary' });
export type AppSummary = Static<typeof AppSummary>;

export const CreatedApp = Strict(
  {
    ...appFields,
    api_secret: Type.String({ description: 'Shown once, at creation; only its hash is stored.', examples: ['cbs_…'] }),
    message: Type.String(),
  },
  { title: 'CreatedApp' },
);
export type CreatedApp = Static<typeof CreatedApp>;

export const PageQuery = Strict(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000, default: 0 })),
  },
  { title: 'PageQuery' },
);
export type PageQuery = Static<typeof PageQuery>;
