declare const tenantBrand: unique symbol;

/**
 * An application id that came from a verified source (a user JWT or an API-key
 * lookup). Every repository call that reads tenant data takes one, so a query
 * that forgets the tenant does not compile.
 */
export type AppId = string & { readonly [tenantBrand]: true };

/** Marks an id as verified. Call only where the id was proven (token, key lookup). */
export function verifiedAppId(id: string): AppId {
  return id as AppId;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs and bodies: anything that is not a UUID cannot match a row. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
