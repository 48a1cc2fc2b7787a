// The seed's Node quickstart, on the SDK: mint a token on your backend, then chat over REST and WebSocket.
// Node 18+:  npm i @heyyo/sdk
//   CB_BASE_URL=http://localhost:4000 CB_API_KEY=cb_… CB_API_SECRET=cbs_… node quickstart.mjs
import { HeyyoClient, HeyyoServerClient } from '@heyyo/sdk';

const apiUrl = process.env.CB_BASE_URL ?? 'http://localhost:4000';
const apiKey = process.env.CB_API_KEY;
const apiSecret = process.env.CB_API_SECRET;
if (!apiKey || !apiSecret) throw new Error('Missing CB_API_KEY / CB_API_SECRET');

// 1) Your backend issues the user JWT (the secret never leaves it).
const server = new HeyyoServerClient({ apiUrl, apiKey, apiSecret });
const { token } = await server.createToken('user-123', { displayName: 'Jane Doe' });

// 2) The client uses that one token for REST and WebSocket.
const client = new HeyyoClient({ apiUrl, token });
client.on('message.new', (message) => console.log('message.new:', message.seq, message.text));
client.on('connection.changed', ({ state }) => console.log('connection:', state));
await client.connect();

// 3) A channel, then a message over REST and one over the socket.
const channel = await client.channels.create('general', { type: 'messaging' });
client.disconnect();
const overRest = await client.messages.send(channel.id, 'Hello from REST 👋');
console.log('REST message created:', overRest.id);
await client.connect();
const overSocket = await client.messages.send(channel.id, 'Hello from WebSocket ⚡');
console.log('WS message ack:', overSocket.id);

// 4) History, oldest first, with both messages.
const history = await client.messages.list(channel.id, { limit: 50 });
console.log('history:', history.map((message) => `${message.seq}:${message.text}`).join(' | '));
client.disconnect();
console.log('done');
