import { describe, expect, it } from 'vitest';
import { describeValidationIssue } from './validation.ts';

describe('describeValidationIssue', () => {
  it.each([
    [{ keyword: 'required', instancePath: '', params: { missingProperty: 'name' } }, 'body', 'name is required'],
    [{ keyword: 'required', instancePath: '/user', params: { missingProperty: 'id' } }, 'body', 'user.id is required'],
    [{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } }, 'body', 'unknown field "x"'],
    [{ keyword: 'type', instancePath: '/name', params: { type: 'string' } }, 'body', 'name must be of type string'],
    [{ keyword: 'type', instancePath: '', params: { type: 'object' } }, 'body', 'Request body must be a JSON object'],
    [{ keyword: 'format', instancePath: '/before', params: { format: 'date-time' } }, 'querystring', 'before must be a valid date-time'],
    [{ keyword: 'minimum', instancePath: '/limit', params: {}, message: 'must be >= 1' }, 'querystring', 'limit must be >= 1'],
  ])('%j', (issue, part, expected) => {
    expect(describeValidationIssue(issue, part)).toBe(expected);
  });
});
