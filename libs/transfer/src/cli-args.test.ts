import { describe, expect, it } from 'vitest';
import { parseExportArgs, parseImportArgs } from './cli-args.ts';

const APP = '0b6c3d2e-1f00-4a5b-8c7d-9e0f1a2b3c4d';

describe('command lines', () => {
  it('reads export options', () => {
    expect(parseExportArgs(['--app', APP.toUpperCase(), '--out=x.ndjson'])).toEqual({ app: APP, out: 'x.ndjson', deadlineMs: undefined });
    expect(() => parseExportArgs([])).toThrow('--app is required');
    expect(() => parseExportArgs(['--app', 'nope'])).toThrow(/must be an app id/);
    expect(() => parseExportArgs(['--app', APP, '--secret', 'x'])).toThrow('unknown option --secret');
  });

  it('reads import options', () => {
    expect(parseImportArgs(['file.ndjson'])).toEqual({ file: 'file.ndjson', app: undefined, from: 'heyyo', deadlineMs: undefined, perRowTriggers: false });
    expect(parseImportArgs(['--from', 'tegrabox', '--app', APP, '--deadline-ms', '5000', '--per-row-triggers', 'dump.json'])).toEqual({
      file: 'dump.json',
      app: APP,
      from: 'tegrabox',
      deadlineMs: 5000,
      perRowTriggers: true,
    });
    expect(() => parseImportArgs(['--per-row-triggers=no', 'f'])).toThrow('takes no value');
    expect(() => parseImportArgs(['--from', 'tegrabox', 'dump.json'])).toThrow(/needs --app/);
    expect(() => parseImportArgs([])).toThrow('the file to import is missing');
    expect(() => parseImportArgs(['--deadline-ms', '5', 'f'])).toThrow(/at least 100/);
  });
});
