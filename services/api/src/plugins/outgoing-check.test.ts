import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { Channel } from '@heyyo/contracts';
import { registerErrorHandling } from './errors.ts';
import { registerOutgoingCheck } from './outgoing-check.ts';
import { validatorCompiler } from './validation.ts';

const channel = {
  id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a11',
  app_id: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a12',
  type: 'messaging',
  name: 'general',
  description: null,
  metadata: {},
  created_by: '0b6f2a51-5c44-4f7e-9d2a-6a3f0d0b8a13',
  slow_mode_seconds: 0,
  created_at: '2026-01-31T12:00:00.000Z',
  updated_at: '2026-01-31T12:00:00.000Z',
};

async function appReturning(body: unknown, status = 200) {
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  registerErrorHandling(app);
  registerOutgoingCheck(app);
  app.get('/channel', { schema: { response: { 200: Channel } } }, async (_request, reply) => reply.status(status as 200).send(body));
  await app.ready();
  return app;
}

describe('the outgoing-shape check', () => {
  it('lets a response that matches its contract through', async () => {
    const response = await (await appReturning(channel)).inject('/channel');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(channel);
  });

  it('fails a response with a field its schema does not declare, instead of dropping it silently', async () => {
    const app = await appReturning({ ...channel, secret_notes: 'x' });
    const response = await app.inject('/channel');
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ code: 'HEYYO_ERR_INTERNAL' });
  });

  it('fails a response missing a declared field or with the wrong type', async () => {
    const { name: _omitted, ...withoutName } = channel;
    expect((await (await appReturning(withoutName)).inject('/channel')).statusCode).toBe(500);
    expect((await (await appReturning({ ...channel, metadata: 'x' })).inject('/channel')).statusCode).toBe(500);
  });

  it('fails a success status the schema does not declare', async () => {
    expect((await (await appReturning(channel, 201)).inject('/channel')).statusCode).toBe(500);
  });
});
