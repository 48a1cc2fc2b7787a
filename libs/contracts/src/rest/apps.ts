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

/** Furthest a list pages by offset: deeper than this, narrow the list with its filters instead. */
export const MAX_PAGE_OFFSET = 100_000;

/** Paging fields every list takes: `limit` with `offset`, or with `page`. */
export const pageFields = (defaultLimit: number, maxLimit: number) => ({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, description: 'Default 0; not with `page`.' })),
  page: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_PAGE_OFFSET + 1, description: 'Pages of `limit`, from 1; not with `offset`.' }),
  ),
});

export const PageQuery = Strict(pageFields(100, 200), { title: 'PageQuery' });
export type PageQuery = Static<typeof PageQuery>;
