export { buildApp, type ApiAppOptions } from './app.ts';
