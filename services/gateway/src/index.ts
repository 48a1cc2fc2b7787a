export { attachGateway, type Gateway, type GatewayOptions } from './gateway.ts';
export { createRedisAdapter, type GatewayAdapter } from './adapter.ts';
