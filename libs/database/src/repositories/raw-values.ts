// Statements run outside drizzle's query builder hand back timestamps as Postgres text
// ("2026-01-31 10:00:00.123+00", drizzle's parser setting on the shared client) and bigints as strings.

export const dateFromText = (value: string): Date => new Date(value);

export const dateOrNullFromText = (value: string | null): Date | null => (value === null ? null : new Date(value));
