export { attachGateway, type Gateway, type GatewayOptions } from './gateway.ts';
