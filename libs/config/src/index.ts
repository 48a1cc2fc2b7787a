export { loadConfig, ConfigError, ROLES, type Config, type Role, type LogLevel } from './config.ts';
export type { JwtKey } from './jwt-keys.ts';
export { withDeadline, DeadlineError, DEPENDENCY_DEADLINE } from './deadline.ts';
