/**
 * Everything the bench starts or creates registers its undo here; run.ts runs them
 * in reverse order at the end, on failure and on Ctrl-C / SIGTERM.
 */
type Undo = () => Promise<unknown> | unknown;

const undos: { label: string; undo: Undo }[] = [];
let running: Promise<void> | undefined;

/** Registers an undo; the returned function runs it now (once) and unregisters it. */
export function onCleanup(label: string, undo: Undo): () => Promise<void> {
  const entry = { label, undo };
  undos.push(entry);
  return async () => {
    const index = undos.indexOf(entry);
    if (index < 0) return;
    undos.splice(index, 1);
    await entry.undo();
  };
}

/** Runs every registered undo, newest first; errors are reported, not thrown. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (undos.length > 0) {
      const { label, undo } = undos.pop()!;
      try {
        await undo();
      } catch (error) {
        process.stderr.write(`cleanup "${label}" failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return running;
}

/** Ctrl-C and SIGTERM clean up, then exit non-zero. */
export function cleanupOnSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping bench processes and dropping bench data…\n`);
      const hardExit = setTimeout(() => process.exit(130), 20_000);
      hardExit.unref();
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
