/**
 * docs/webhooks.md's verification snippets work: the Node (node:crypto), Python and Go ones, taken
 * from the page as written, accept what the server signs and refuse a wrong secret, a changed body
 * and a stale timestamp; the SDK snippet imports what @heyyo/sdk/webhooks exports.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, webhookSignature } from '@heyyo/chat';
import * as sdkWebhooks from '@heyyo/sdk/webhooks';

const page = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8');

/** The first code block of `language` after `heading`. */
function snippet(heading: string, language: string): string {
  const section = page.slice(page.indexOf(heading));
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(section);
  if (!match) throw new Error(`no ${language} block after "${heading}"`);
  return match[1]!;
}

/** Whether `command` runs here (npm test installs python3's and go's Debian packages when it can). */
function runs(command: string, ...args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasPython = runs('python3', '--version');
const hasGo = runs('go', 'version');

const dir = mkdtempSync(join(tmpdir(), 'heyyo-webhook-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secret = newWebhookSecret();
const body = JSON.stringify({ id: 'e1', type: 'message.new', created_at: new Date().toISOString(), app_id: 'a1', data: { text: 'héllo 👋' } });
const now = () => Math.floor(Date.now() / 1000);
/** [body, header, secret, expected] */
const cases = (): [string, string, string, boolean][] => [
  [body, webhookSignature(secret, body, now()), secret, true],
  [body, webhookSignature(secret, body, now() - 60), secret, true],
  [body, webhookSignature(secret, body, now()), 'whsec_wrong', false],
  [body.replace('héllo', 'hello'), webhookSignature(secret, body, now()), secret, false],
  [body, webhookSignature(secret, body, now() - 600), secret, false],
  [body, '', secret, false],
  [body, `t=${now()},v1=zz`, secret, false],
];

describe('docs/webhooks.md', () => {
  it('has a Node (node:crypto) snippet that verifies what the server signs', async () => {
    const file = join(dir, 'verify.mjs');
    writeFileSync(file, snippet('### Node, with `node:crypto` only', 'js'));
    const { verifyHeyyoSignature } = await import(pathToFileURL(file).href);
    for (const [raw, header, key, expected] of cases()) {
      expect(verifyHeyyoSignature(Buffer.from(raw), header, key), header).toBe(expected);
      expect(verifyHeyyoSignature(raw, header, key), header).toBe(expected);
    }
  });

  it.skipIf(!hasPython)('has a Python snippet that verifies what the server signs', () => {
    const file = join(dir, 'verify.py');
    writeFileSync(
      file,
      `${snippet('### Python', 'python')}
import json, sys
for raw, header, key in json.load(sys.stdin):
    print("true" if verify_heyyo_signature(raw.encode(), header, key) else "false")
`,
    );
    const all = cases();
    const output = execFileSync('python3', [file], { input: JSON.stringify(all.map(([raw, header, key]) => [raw, header, key])) }).toString();
    expect(output.trim().split('\n')).toEqual(all.map(([, , , expected]) => String(expected)));
  });

  it.skipIf(!hasGo)('has a Go snippet that verifies what the server signs', () => {
    const module = join(dir, 'go');
    mkdirSync(join(module, 'heyyo'), { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module verify\n\ngo 1.19\n');
    writeFileSync(join(module, 'heyyo', 'heyyo.go'), snippet('### Go', 'go'));
    writeFileSync(
      join(module, 'main.go'),
      `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"verify/heyyo"
)

func main() {
	var cases [][3]string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	for _, c := range cases {
		fmt.Println(heyyo.VerifySignature([]byte(c[0]), c[1], c[2], 5*time.Minute))
	}
}
`,
    );
    const all = cases();
    // Offline: the snippet uses the standard library only. The build cache outlives the run (the first build compiles crypto).
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOCACHE: join(tmpdir(), 'heyyo-test-go-cache'), GOPATH: join(dir, 'gopath') };
    const output = execFileSync('go', ['run', '.'], { cwd: module, env, input: JSON.stringify(all.map(([raw, header, key]) => [raw, header, key])) }).toString();
    expect(output.trim().split('\n')).toEqual(all.map(([, , , expected]) => String(expected)));
  }, 180_000);

  it('has an SDK snippet that imports what @heyyo/sdk/webhooks exports', () => {
    const code = snippet('### Node, with the SDK', 'js');
    const imported = /import \{ ([^}]+) \} from '@heyyo\/sdk\/webhooks'/.exec(code)![1]!.split(',').map((name) => name.trim());
    for (const name of imported) expect(sdkWebhooks, name).toHaveProperty(name);
    expect(code).toContain('express.raw(');
  });
});
