export * from './apps.ts';
export * from './auth.ts';
export * from './channels.ts';
export * from './health.ts';
export * from './messages.ts';
export * from './users.ts';
export * from './demo.ts';
export * from './moderation.ts';
