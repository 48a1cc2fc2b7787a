/**
 * The AsyncAPI 3 document of the Socket.IO API, generated from the same schemas the
 * gateway validates with (@heyyo/contracts ClientEvents / ServerEvents).
 */
import type { TSchema } from '@sinclair/typebox';
import { ClientEvents, ErrorBody, ServerEvents } from '@heyyo/contracts';

/** A schema as plain JSON (TypeBox marks its schemas with symbol keys, which JSON drops). */
const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

const ref = (path: string) => ({ $ref: `#/${path}` });

const DESCRIPTION = `Connect with Socket.IO (v4) to the same origin as the REST API, with the user JWT from
\`POST /api/auth/token\`: \`io(url, { auth: { token } })\`. A connection joins the rooms of all
the user's channels. Every client event takes an acknowledgement callback, answered with the
event's reply or with \`{ error, code }\`. After a reconnect, catch up with \`messages.sync\` from the
last \`seq\` you hold. The readable catalogue is docs/events.md.`;

export function asyncApiDocument(version: string) {
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const channelMessages: Record<string, unknown> = {};

  for (const [event, spec] of Object.entries(ClientEvents)) {
    const name = `client.${event}`;
    messages[name] = { name: event, title: event, summary: spec.summary, payload: plain(spec.payload) };
    messages[`${name}.ack`] = {
      name: `${event} ack`,
      title: `${event} acknowledgement`,
      summary: `What the acknowledgement of ${event} carries: this on success, an Error on failure.`,
      payload: { oneOf: [plain(spec.ack), ref('components/schemas/Error')] },
    };
    channelMessages[name] = ref(`components/messages/${name}`);
    channelMessages[`${name}.ack`] = ref(`components/messages/${name}.ack`);
    operations[`client.${event}`] = {
      action: 'receive',
      channel: ref('channels/socket'),
      title: event,
      summary: spec.summary,
      messages: [ref(`channels/socket/messages/${name}`)],
      reply: { channel: ref('channels/socket'), messages: [ref(`channels/socket/messages/${name}.ack`)] },
    };
  }
  for (const [event, spec] of Object.entries(ServerEvents)) {
    const name = `server.${event}`;
    messages[name] = { name: event, title: event, summary: spec.summary, payload: plain(spec.payload) };
    channelMessages[name] = ref(`components/messages/${name}`);
    operations[`server.${event}`] = {
      action: 'send',
      channel: ref('channels/socket'),
      title: event,
      summary: spec.summary,
      messages: [ref(`channels/socket/messages/${name}`)],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: { title: 'Heyyo real-time API (Socket.IO)', version, description: DESCRIPTION, license: { name: 'MIT' } },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:4000',
        protocol: 'ws',
        pathname: '/socket.io/',
        description: 'Socket.IO v4 (Engine.IO WebSocket, or HTTP long-polling with sticky sessions).',
        security: [ref('components/securitySchemes/userToken')],
      },
    },
    channels: {
      socket: {
        address: '/',
        title: 'The default Socket.IO namespace',
        description: 'Every event travels on the one connection; server events reach the rooms of your channels and of your user.',
        messages: channelMessages,
      },
    },
    operations,
    components: {
      schemas: { Error: plain(ErrorBody) },
      messages,
      securitySchemes: {
        userToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'The user JWT, sent as the Socket.IO handshake auth: `{ token }`.',
        },
      },
    },
  };
}
