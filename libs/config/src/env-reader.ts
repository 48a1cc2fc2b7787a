/**
 * Reads typed values out of an env map and collects every problem instead of
 * stopping at the first, so a bad start-up names all bad variables at once.
 */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Record<string, string | undefined>) {}

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  string(name: string, fallback: string, pattern?: RegExp): string {
    const value = this.raw(name) ?? fallback;
    if (pattern && !pattern.test(value)) this.problems.push(`${name} must match ${pattern}`);
    return value;
  }

  optionalString(name: string, minLength = 1): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters`);
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.raw(name) ?? fallback;
    if (!allowed.includes(value as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  /** A comma-separated list whose items must each be in `allowed`; duplicates dropped. */
  listOf<T extends string>(name: string, fallback: readonly T[], allowed: readonly T[]): T[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    const items = [...new Set(value.split(',').map((item) => item.trim()).filter(Boolean))];
    const unknown = items.filter((item) => !allowed.includes(item as T));
    if (items.length === 0 || unknown.length > 0) {
      this.problems.push(`${name} must be a comma-separated list of ${allowed.join(', ')} (got "${value}")`);
      return [...fallback];
    }
    return items as T[];
  }

  url(name: string, fallback: string | undefined, protocols: readonly string[]): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) throw new Error('protocol');
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')}// URL`);
    }
    return value;
  }
}
