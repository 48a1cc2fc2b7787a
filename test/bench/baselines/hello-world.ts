/** Baseline: Fastify hello world (GET and POST `/`), for the REST path. Prints `{"msg":"ready","address":…}`. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
app.post('/', async (request) => ({ hello: 'world', received: request.body }));
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'ready', address })}\n`);
const stop = () => void app.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
