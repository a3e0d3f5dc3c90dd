import { describe, expect, it } from 'vitest';
import { publicBaseUrl } from '../../../src/store/curl.js';
import { resolveExportPath } from '../../../src/store/export.js';
import { csvField, toCsv } from '../../../src/store/export-format.js';
import { initialState } from '../../../src/store/initial-state.js';
import { savedViewOf, uiWithSavedView } from '../../../src/store/view-state.js';

describe('CSV fields (RFC 4180, formula-safe)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['=1+2', "'=1+2"],
    ['+33 6', "'+33 6"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=HYPERLINK("x"),y', `"'=HYPERLINK(""x""),y"`],
    ['\u001b[31mred\u001b[0m', '[31mred[0m'],
    ['', ''],
  ])('%j -> %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('numbers and empty values are written as they are; lines end with CRLF', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    const columns = [
      { name: 'id', value: (row: { id: string }) => row.id },
      { name: 'n', value: () => 1 },
    ];
    expect(toCsv(columns, [{ id: 'a' }, { id: 'b,c' }])).toBe('id,n\r\na,1\r\n"b,c",1\r\n');
  });
});

describe('export paths', () => {
  const paths = { cwd: '/work/here', home: '/home/me' };
  it('resolves relative paths against the cwd and ~ against home; only .csv and .json', () => {
    expect(resolveExportPath('tasks.csv', paths)).toEqual({ file: '/work/here/tasks.csv', format: 'csv' });
    expect(resolveExportPath('~/out/a.JSON', paths)).toEqual({ file: '/home/me/out/a.JSON', format: 'json' });
    expect(resolveExportPath('/tmp/x.csv', paths).file).toBe('/tmp/x.csv');
    expect(() => resolveExportPath('notes.txt', paths)).toThrow(
      'export writes .csv or .json files, not "notes.txt"',
    );
    expect(() => resolveExportPath('', paths)).toThrow(':export FILE.csv');
  });
});

describe('copy as curl', () => {
  it('the base URL loses userinfo, query and fragment', () => {
    expect(publicBaseUrl('https://user:secret@api.example.test/v1.3/?k=v#f')).toBe(
      'https://api.example.test/v1.3',
    );
    expect(publicBaseUrl('http://127.0.0.1:4010/v1.3')).toBe('http://127.0.0.1:4010/v1.3');
  });
});

describe('saved views', () => {
  it('a view saved on one table comes back on it; a sort label that no longer exists falls back to the first', () => {
    const ui = { ...initialState().ui, view: 'indexing' as const };
    const withTable = {
      ...ui,
      tableOf: { ...ui.tableOf, indexing: 'indexedAssets' as const },
      indexId: 'idx1',
    };
    const saved = savedViewOf({ ...withTable, sort: { ...withTable.sort, indexedAssets: 2 } }, 'now');
    expect(saved).toMatchObject({ view: 'indexing', table: 'indexedAssets', indexId: 'idx1' });
    const restored = uiWithSavedView(initialState().ui, saved);
    expect(restored.view).toBe('indexing');
    expect(restored.tableOf.indexing).toBe('indexedAssets');
    expect(restored.sort.indexedAssets).toBe(2);
    expect(restored.indexId).toBe('idx1');
    expect(uiWithSavedView(initialState().ui, { ...saved, sort: 'gone' }).sort.indexedAssets).toBe(0);
    // a table of another view is not forced onto this one
    expect(uiWithSavedView(initialState().ui, { ...saved, table: 'assets' }).tableOf.indexing).toBe('tasks');
  });
});
