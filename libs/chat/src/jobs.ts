let lastVersion = 0;

/** Microseconds since the epoch, strictly increasing within this process: a reaction change's version. */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}
