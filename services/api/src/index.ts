export { buildApp, type ApiAppOptions } from './app.ts';
export type { ReadinessCheck } from './routes/health/health.routes.ts';
