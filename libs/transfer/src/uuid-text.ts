/* UUIDs as the export writes them: lowercase hex in 8-4-4-4-12 groups. Read by character code: an import checks and encodes five per message. */

/** Each character code's hex digit value, -1 for any other character. */
export const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) HEX_DIGIT[digit.toString(16).charCodeAt(0)] = digit;

/** Where each of the 16 bytes' two hex digits start. */
export const UUID_BYTE_AT = Uint8Array.of(0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34);

/** Whether `value` is a lowercase UUID (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits 0-9 a-f). */
export function isLowercaseUuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let index = 0; index < 36; index++) {
    const code = value.charCodeAt(index);
    if (index === 8 || index === 13 || index === 18 || index === 23) {
      if (code !== 45) return false;
    } else if (code > 127 || HEX_DIGIT[code]! < 0) {
      return false;
    }
  }
  return true;
}
