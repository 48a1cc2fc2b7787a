import { Type } from '@sinclair/typebox';
import { Timestamp } from '../shared.schemas.ts';

export const CreateAppBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const AppSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  api_key: Type.String(),
  created_at: Timestamp,
});

export const CreatedApp = Type.Object({
  id: Type.String(),
  name: Type.String(),
  api_key: Type.String(),
  api_secret: Type.String(),
  created_at: Timestamp,
  message: Type.String(),
});
