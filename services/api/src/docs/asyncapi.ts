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
  const channelMessages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  /** A message in components, listed on the socket channel; returns its reference there. */
  const message = (key: string, fields: { name: string; title: string; summary: string; payload: unknown }) => {
    messages[key] = fields;
    channelMessages[key] = ref(`components/messages/${key}`);
    return ref(`channels/socket/messages/${key}`);
  };
  const operation = (key: string, action: 'send' | 'receive', summary: string, sent: unknown, reply?: unknown) => {
    operations[key] = {
      action,
      channel: ref('channels/socket'),
      title: key.slice(key.indexOf('.') + 1),
      summary,
      messages: [sent],
      ...(reply ? { reply: { channel: ref('channels/socket'), messages: [reply] } } : {}),
    };
  };

  for (const [event, spec] of Object.entries(ClientEvents)) {
    const sent = message(`client.${event}`, { name: event, title: event, summary: spec.summary, payload: plain(spec.payload) });
    const ack = message(`client.${event}.ack`, {
      name: `${event} ack`,
      title: `${event} acknowledgement`,
      summary: `What the acknowledgement of ${event} carries: this on success, an Error on failure.`,
      payload: { oneOf: [plain(spec.ack), ref('components/schemas/Error')] },
    });
    operation(`client.${event}`, 'receive', spec.summary, sent, ack);
  }
  for (const [event, spec] of Object.entries(ServerEvents)) {
    const sent = message(`server.${event}`, { name: event, title: event, summary: spec.summary, payload: plain(spec.payload) });
    operation(`server.${event}`, 'send', spec.summary, sent);
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
