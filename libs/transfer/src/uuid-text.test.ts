import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLowercaseUuid } from './uuid-text.ts';

const PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('isLowercaseUuid', () => {
  it('takes exactly what the pattern takes', () => {
    // UUIDs, some of their characters swapped for others (upper case, a dash, a non-ASCII one), and any text.
    const nearUuid = fc
      .tuple(fc.uuid(), fc.array(fc.tuple(fc.nat({ max: 35 }), fc.constantFrom('A', 'g', '-', '.', '0', 'é', '\u0000', '٣')), { maxLength: 2 }))
      .map(([uuid, swaps]) => swaps.reduce((text, [at, character]) => text.slice(0, at) + character + text.slice(at + 1), uuid));
    fc.assert(
      fc.property(fc.oneof(nearUuid, fc.string(), fc.uuid().map((uuid) => uuid.toUpperCase())), (value) => {
        expect(isLowercaseUuid(value)).toBe(PATTERN.test(value));
      }),
      { numRuns: 5000 },
    );
  });
});
