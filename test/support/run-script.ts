import { spawn } from 'node:child_process';

export interface ScriptResult {
  code: number | null;
  /** stdout and stderr, interleaved. */
  output: string;
}

/** Runs `node <args…>` with only PATH and `env` in its environment, to completion. */
export function runScript(args: string[], env: Record<string, string>, cwd?: string): Promise<ScriptResult> {
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, ...(cwd ? { cwd } : {}) });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}
