import { Kind, type TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import * as contracts from './index.ts';
import { checkShape, compileValidator } from './validation.ts';

/** Every schema the package exports, by name. */
const schemas = Object.entries(contracts as Record<string, unknown>).filter(
  (entry): entry is [string, TSchema] => typeof entry[1] === 'object' && entry[1] !== null && Kind in entry[1],
);

describe('the examples in the contract (what /docs shows)', () => {
  it('has schemas to check', () => {
    expect(schemas.length).toBeGreaterThan(40);
  });

  it.each(schemas.filter(([, schema]) => Array.isArray(schema.examples)))('%s: every example matches its schema', (_name, schema) => {
    const validate = compileValidator(schema, 'response');
    for (const example of schema.examples as unknown[]) expect(checkShape(validate, example, 'response')).toBeUndefined();
  });
});
