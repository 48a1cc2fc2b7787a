import { Type, type Static } from '@sinclair/typebox';
import { ErrorCodes } from './errors.ts';
import { Strict } from './schema.ts';

/** The body of every error response and failed acknowledgement: the seed's `{ error }` plus a stable `code`. */
export const ErrorBody = Strict(
  {
    error: Type.String({ description: 'Human-readable; may be reworded between versions.' }),
    code: Type.Union(
      Object.values(ErrorCodes).map((code) => Type.Literal(code)),
      { description: 'Stable: branch on this.' },
    ),
    errorId: Type.Optional(Type.String({ description: 'Only on internal errors: quote it to the operator; it is in the server log too.' })),
  },
  { title: 'Error', examples: [{ error: 'Not a member of this channel', code: 'HEYYO_ERR_NOT_MEMBER' }] },
);
export type ErrorBody = Static<typeof ErrorBody>;
