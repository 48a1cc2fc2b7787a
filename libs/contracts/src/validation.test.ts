import { describe, expect, it } from 'vitest';
import { SendMessagePayload } from './events.ts';
import { SendMessageRequest } from './rest/messages.ts';
import { checkShape, compileValidator, describeValidationIssue, type ValidationPart } from './validation.ts';

describe('describeValidationIssue', () => {
  it.each<[Parameters<typeof describeValidationIssue>[0], ValidationPart, string]>([
    [{ keyword: 'required', instancePath: '', params: { missingProperty: 'name' } }, 'body', 'name is required'],
    [{ keyword: 'required', instancePath: '/user', params: { missingProperty: 'id' } }, 'body', 'user.id is required'],
    [{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } }, 'body', 'unknown field "x"'],
    [{ keyword: 'type', instancePath: '/name', params: { type: 'string' } }, 'body', 'name must be of type string'],
    [{ keyword: 'type', instancePath: '', params: { type: 'object' } }, 'body', 'Request body must be a JSON object'],
    [{ keyword: 'type', instancePath: '', params: { type: 'object' } }, 'payload', 'Payload must be a JSON object'],
    [{ keyword: 'type', instancePath: '/attachments/0', params: { type: 'object' } }, 'payload', 'attachments.0 must be of type object'],
    [{ keyword: 'format', instancePath: '/before', params: { format: 'date-time' } }, 'querystring', 'before must be a valid date-time'],
    [{ keyword: 'minimum', instancePath: '/limit', params: {}, message: 'must be >= 1' }, 'querystring', 'limit must be >= 1'],
    [{ keyword: 'enum', instancePath: '/role', params: { allowedValues: ['user', 'admin'] } }, 'body', 'role must be one of user, admin'],
    [undefined, 'payload', 'Payload is invalid'],
  ])('%j in %s → %s', (issue, part, expected) => {
    expect(describeValidationIssue(issue, part)).toBe(expected);
  });
});

describe('one validator for both transports', () => {
  const rest = compileValidator(SendMessageRequest, 'body');
  const socket = compileValidator(SendMessagePayload, 'payload');
  const socketPayload = (fields: Record<string, unknown>) => ({ channelId: 'c', ...fields });

  it.each([
    [{ text: 42 }, 'text must be of type string'],
    [{ text: 'hi', colour: 'red' }, 'unknown field "colour"'],
    [{ attachments: 'a.png' }, 'attachments must be of type array'],
    [{ attachments: [1] }, 'attachments.0 must be of type object'],
    [{ text: 'hi', metadata: 'meta' }, 'metadata must be of type object'],
    [{ text: 'hi', metadata: null }, 'metadata must be of type object'],
  ])('the same bad field gives the same sentence: %j', (fields, expected) => {
    expect(checkShape(rest, fields, 'body')).toBe(expected);
    expect(checkShape(socket, socketPayload(fields), 'payload')).toBe(expected);
  });

  it('the wire names differ where the seed has them differ (client_id / clientId), the sentence does not', () => {
    expect(checkShape(rest, { text: 'hi', client_id: '' }, 'body')).toBe('client_id must NOT have fewer than 1 characters');
    expect(checkShape(socket, socketPayload({ text: 'hi', clientId: '' }), 'payload')).toBe(
      'clientId must NOT have fewer than 1 characters',
    );
  });

  it('a whole payload of the wrong type names the part', () => {
    expect(checkShape(rest, 'hello', 'body')).toBe('Request body must be a JSON object');
    expect(checkShape(socket, 'hello', 'payload')).toBe('Payload must be a JSON object');
  });

  it('outgoing checks refuse a field the contract does not declare', () => {
    const outgoing = compileValidator(SendMessageRequest, 'response');
    expect(checkShape(outgoing, { text: 'hi' }, 'response')).toBeUndefined();
    expect(checkShape(outgoing, { text: 'hi', secret: 'x' }, 'response')).toBe('unknown field "secret"');
  });
});
