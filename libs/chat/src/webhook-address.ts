/**
 * Where a webhook may be sent (SSRF): a tenant names the URL, the worker POSTs to it from inside the
 * operator's network, so in production an address that is not globally reachable — loopback,
 * private, link-local (cloud metadata), unique-local, multicast, CGNAT and the other special-purpose
 * blocks — is refused unless the operator allows them (HEYYO_WEBHOOK_ALLOW_PRIVATE). Checked when an
 * endpoint is saved, and again at every delivery on the addresses the connection will use, so a name
 * that resolves elsewhere later (DNS rebinding) is caught where it matters.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Address4, Address6 } from 'ip-address';

/** Why `ip` may not receive webhooks (e.g. "127.0.0.1 is a loopback address"), or undefined when it is globally reachable. */
export function addressRefusal(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return `${ip} is not an IP address`;
  const address = family === 4 ? new Address4(ip) : new Address6(ip);
  if (address.isGlobal()) return undefined;
  const kind = address.isLoopback()
    ? 'loopback'
    : address.isLinkLocal()
      ? 'link-local'
      : address.isMulticast()
        ? 'multicast'
        : address.isUnspecified()
          ? 'unspecified'
          : address instanceof Address6 && address.isULA()
            ? 'unique-local'
            : address.isPrivate()
              ? 'private'
              : 'special-purpose';
  return `${ip} is a ${kind} address`;
}

/** The host of a URL as DNS or an IP check takes it: IPv6 literals without their brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Resolves a host name to every address it has (A and AAAA). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const resolveAll: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * The URL, with its host as DNS takes it, or why webhooks may not go there before any lookup:
 * not a URL, not http(s), or an IP literal that is refused (unless `allowPrivate`).
 */
export function webhookUrl(
  url: string,
  allowPrivate: boolean,
): { url: URL; host: string } | { refusal: string; of: 'url' | 'address' } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { refusal: 'not a URL', of: 'url' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { refusal: 'only http and https URLs are allowed', of: 'url' };
  const host = hostOf(parsed);
  const literalRefusal = isIP(host) && !allowPrivate ? addressRefusal(host) : undefined;
  return literalRefusal ? { refusal: literalRefusal, of: 'address' } : { url: parsed, host };
}

/** The first of `addresses` that may not receive webhooks, and what it is ("a loopback address"). */
function firstRefused(addresses: readonly LookupAddress[]): { address: string; what: string } | undefined {
  for (const { address } of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) return { address, what: refusal.replace(/^\S+ is /, '') };
  }
  return undefined;
}

/**
 * Why webhooks may not go to `url` (its scheme, or an address its host is or resolves to), or
 * undefined when they may. `allowPrivate` skips the address checks (not the scheme's).
 */
export async function urlRefusal(url: string, options: { allowPrivate: boolean; resolve?: Resolver }): Promise<string | undefined> {
  const checked = webhookUrl(url, options.allowPrivate);
  if ('refusal' in checked) return checked.refusal;
  const { host } = checked;
  if (options.allowPrivate || isIP(host)) return undefined;
  let addresses: LookupAddress[];
  try {
    addresses = await (options.resolve ?? resolveAll)(host);
  } catch {
    return `${host} does not resolve`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  const refused = firstRefused(addresses);
  return refused && `${host} resolves to ${refused.what} (${refused.address})`;
}

/** The error a guarded lookup fails a connection with. */
export class RefusedAddressError extends Error {
  readonly code = 'EHEYYO_ADDRESS_REFUSED';
}

/**
 * A `lookup` for http(s).request that connects only to addresses that may receive webhooks: it
 * resolves as Node would and fails the connection when any address of the name is refused (a name
 * with one internal address among public ones is refused as a whole).
 */
export function guardedLookup(options: { allowPrivate: boolean; resolve?: Resolver }): LookupFunction {
  const resolve = options.resolve ?? resolveAll;
  return ((hostname: string, lookupOptions: LookupOneOptions | LookupAllOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? addresses.filter((entry) => entry.family === lookupOptions.family) : addresses;
        const refused = options.allowPrivate ? undefined : firstRefused(addresses);
        if (refused) return callback(new RefusedAddressError(`refused: ${hostname} resolves to ${refused.what}`));
        if (wanted.length === 0) return callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }));
        if (lookupOptions.all) return callback(null, wanted);
        return callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: unknown) => callback(error),
    );
  }) as LookupFunction;
}
