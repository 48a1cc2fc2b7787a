import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { ALL_WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '@heyyo/contracts';
import { WEBHOOK_EVENT_TYPES as STORED_EVENT_TYPES } from '@heyyo/database';
import { addressRefusal, urlRefusal } from './webhook-address.ts';

/** DNS without the network: each name resolves to the addresses listed here. */
const fakeDns = (table: Record<string, string[]>) => async (hostname: string): Promise<LookupAddress[]> => {
  const addresses = table[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('addressRefusal', () => {
  it('lets globally reachable addresses receive webhooks', () => {
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '1.1.1.1']) expect(addressRefusal(ip), ip).toBeUndefined();
  });

  it('refuses loopback, private, link-local, unique-local, multicast and other special-purpose addresses', () => {
    const refused: [string, string][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.31.255.1', 'private'],
      ['192.168.0.10', 'private'],
      ['169.254.169.254', 'link-local'],
      ['fe80::abcd', 'link-local'],
      ['fc00::1', 'unique-local'],
      ['fd00:ec2::254', 'unique-local'],
      ['224.0.0.251', 'multicast'],
      ['ff05::2', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['100.64.12.1', 'special-purpose'],
      ['192.0.2.1', 'special-purpose'],
      ['255.255.255.255', 'special-purpose'],
      // IPv6 forms of internal IPv4 addresses.
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['64:ff9b::a00:1', 'private'],
    ];
    for (const [ip, kind] of refused) expect(addressRefusal(ip), ip).toBe(`${ip} is a ${kind} address`);
    expect(addressRefusal('example.com')).toBe('example.com is not an IP address');
  });
});

describe('urlRefusal', () => {
  const dns = fakeDns({
    'hooks.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'rebound.example.com': ['93.184.215.14', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
  });
  const production = { allowPrivate: false, resolve: dns };

  it('allows http(s) URLs whose host is, or resolves only to, public addresses', async () => {
    expect(await urlRefusal('https://hooks.example.com/heyyo', production)).toBeUndefined();
    expect(await urlRefusal('http://93.184.215.14:8080/heyyo', production)).toBeUndefined();
    expect(await urlRefusal('https://[2606:4700:4700::1111]/heyyo', production)).toBeUndefined();
  });

  it('refuses other schemes, internal addresses, names resolving to one (even among public ones), and names that do not resolve', async () => {
    expect(await urlRefusal('ftp://hooks.example.com/x', production)).toBe('only http and https URLs are allowed');
    expect(await urlRefusal('nonsense', production)).toBe('not a URL');
    expect(await urlRefusal('http://[::1]:4000/x', production)).toBe('::1 is a loopback address');
    expect(await urlRefusal('https://rebound.example.com/x', production)).toBe('rebound.example.com resolves to a private address (10.0.0.7)');
    expect(await urlRefusal('https://metadata.example.com/x', production)).toBe('metadata.example.com resolves to a link-local address (169.254.169.254)');
    expect(await urlRefusal('https://nowhere.example.com/x', production)).toBe('nowhere.example.com does not resolve');
  });

  it('allows internal addresses when the operator does (development), without looking names up', async () => {
    const development = { allowPrivate: true, resolve: async () => expect.unreachable('no lookup') };
    expect(await urlRefusal('http://127.0.0.1:3000/hook', development)).toBeUndefined();
    expect(await urlRefusal('http://anything.internal/hook', development)).toBeUndefined();
    expect(await urlRefusal('gopher://127.0.0.1/', development)).toBe('only http and https URLs are allowed');
  });
});

describe('webhook event types', () => {
  it('are the same in the contracts and in the outbox', () => {
    expect([...STORED_EVENT_TYPES]).toEqual(WEBHOOK_EVENT_TYPES);
    expect(WEBHOOK_EVENT_TYPES).not.toContain(ALL_WEBHOOK_EVENTS);
  });
});
