export * from './errors.ts';
export * from './error-body.ts';
export * from './schema.ts';
export { MAX_JSON_DEPTH } from './input-hygiene.ts';
export * from './events.ts';
export * from './jobs.ts';
export * from './rest/index.ts';
