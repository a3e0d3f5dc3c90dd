import { describe, expect, it } from 'vitest';
import { layoutChunkMap } from '../../src/components/ChunkMap.js';
import {
  cell,
  formatBytes,
  formatCount,
  formatPosition,
  formatRelative,
  shortId,
  stringWidth,
  wrapLine,
} from '../../src/components/format.js';
import { footerBindings, KEYMAP } from '../../src/components/keymap.js';
import { progressBarText } from '../../src/components/ProgressBar.js';
import { sanitize, sanitizeLines } from '../../src/components/sanitize.js';
import { statusLook } from '../../src/components/status.js';
import { layoutColumns } from '../../src/components/Table.js';
import { colorTheme, monochromeTheme, themeFromEnv } from '../../src/components/theme.js';

describe('sanitize', () => {
  it('removes escape sequences and control characters from server text', () => {
    const hostile = 'ok\u001b[2J\u001b]0;pwned\u0007\u001b[31mred\u001b[0m\r\nnext\u0000\u009b';
    const clean = sanitize(hostile);
    expect(clean).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(clean).toContain('ok');
    expect(clean).toContain('red');
    expect(clean).not.toContain('pwned');
  });

  it('keeps line structure for multi-line text but nothing else', () => {
    expect(sanitizeLines('a\u001b[1mb\r\nc\td')).toEqual(['ab', 'c  d']);
  });
});

describe('formatting', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it('relative times', () => {
    expect(formatRelative('2026-11-23T11:57:00Z', now)).toBe('3m ago');
    expect(formatRelative('2026-11-23T10:00:00Z', now)).toBe('2h ago');
    expect(formatRelative('2026-11-23T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-11-23T12:00:02Z', now)).toBe('in <1m');
    expect(formatRelative('2026-11-23T12:05:00Z', now)).toBe('in 5m');
    expect(formatRelative('garbage', now)).toBe('');
  });

  it('positions, counts, bytes, ids', () => {
    expect(formatPosition(40, 20, 1284)).toBe('41-60 of 1,284');
    expect(formatPosition(0, 0, 0)).toBe('0 of 0');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(shortId('64f8a1b2c3d4e5f6a7b8c9d0')).toBe('a7b8c9d0');
  });

  it('cells are exactly their width, wide characters included', () => {
    for (const text of ['short', 'a much longer text than fits', '日本語のファイル名.mp4']) {
      expect(stringWidth(cell(text, 10))).toBe(10);
      expect(stringWidth(cell(text, 10, 'right'))).toBe(10);
    }
  });

  it('wraps words to the width and cuts words longer than a line', () => {
    const lines = wrapLine('the quick brown fox jumps over the lazy dog', 10);
    expect(lines.every((line) => stringWidth(line) <= 10)).toBe(true);
    expect(lines.join(' ')).toBe('the quick brown fox jumps over the lazy dog');
    expect(wrapLine('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('progress bars read without colour', () => {
    expect(progressBarText(0.5, 15)).toBe('█████░░░░░  50%');
    expect(progressBarText(2, 10)).toBe('█████ 100%');
  });
});

describe('status looks', () => {
  it('always carry a symbol and a word, unknown statuses included', () => {
    expect(statusLook('failed')).toEqual({ symbol: '✗', word: 'failed', tone: 'failed' });
    expect(statusLook('ready').symbol).toBe('✓');
    expect(statusLook('indexing').tone).toBe('running');
    expect(statusLook('brand_new_state')).toMatchObject({ word: 'brand_new_st', tone: 'muted' });
  });
});

describe('chunk map layout', () => {
  it('one cell per chunk when they fit', () => {
    const layout = layoutChunkMap('##>..!', 10, 2);
    expect(layout.chunksPerCell).toBe(1);
    expect(layout.cells).toEqual(['confirmed', 'confirmed', 'in_flight', 'pending', 'pending', 'failed']);
    expect(layout.rows).toBe(1);
  });

  it('compresses thousands of chunks into the cells available, keeping the urgent states visible', () => {
    const chunks = `${'#'.repeat(5000)}!${'#'.repeat(2000)}>${'.'.repeat(2998)}`;
    const layout = layoutChunkMap(chunks, 80, 4);
    expect(layout.cells.length).toBeLessThanOrEqual(320);
    expect(layout.rows).toBeLessThanOrEqual(4);
    expect(layout.chunksPerCell).toBe(Math.ceil(10_000 / 320));
    expect(layout.cells).toContain('failed');
    expect(layout.cells).toContain('in_flight');
    expect(layout.cells.at(-1)).toBe('pending');
    expect(layout.cells[0]).toBe('confirmed');
  });
});

describe('table columns', () => {
  const columns = [
    { key: 'a', title: 'A', width: 10, text: () => '' },
    { key: 'b', title: 'B', width: 20, flex: true, text: () => '' },
    { key: 'c', title: 'C', width: 10, dropOrder: 2, text: () => '' },
    { key: 'd', title: 'D', width: 10, dropOrder: 1, text: () => '' },
  ];
  it('gives spare room to the flex column', () => {
    const layout = layoutColumns(columns, 100);
    expect(layout.map((l) => l.width)).toEqual([10, 67, 10, 10]);
  });
  it('drops the highest dropOrder first when narrow', () => {
    expect(layoutColumns(columns, 45).map((l) => l.column.key)).toEqual(['a', 'b', 'd']);
    expect(layoutColumns(columns, 31).map((l) => l.column.key)).toEqual(['a', 'b']);
  });
});

describe('keymap', () => {
  it('every binding has keys, a label and a description', () => {
    for (const binding of KEYMAP) {
      expect(binding.keys.length).toBeGreaterThan(0);
      expect(binding.label).not.toBe('');
      expect(binding.description).not.toBe('');
    }
  });

  it('the footer shows only what works in the current view and layer', () => {
    const uploads = footerBindings({ layer: 'view', view: 'uploads' }).map((b) => b.label);
    expect(uploads).toEqual(expect.arrayContaining(['n', 'r', 'x', '/', 's', '?', 'q']));
    const events = footerBindings({ layer: 'view', view: 'events' }).map((b) => b.label);
    expect(events).not.toContain('r');
    expect(events).not.toContain('n');
    const confirm = footerBindings({ layer: 'confirm', view: 'uploads' }).map((b) => b.hint);
    expect(confirm).toEqual(['yes', 'no']);
  });

  it('no two bindings of one layer and view claim the same key', () => {
    const layers = ['prompt', 'confirm', 'help', 'detail', 'view'] as const;
    const views = ['uploads', 'assets', 'indexing', 'embeddings', 'analyses', 'events'] as const;
    for (const layer of layers) {
      for (const view of views) {
        const seen = new Set<string>();
        for (const binding of KEYMAP) {
          if (!binding.layers.includes(layer) || (binding.views && !binding.views.includes(view))) continue;
          for (const key of binding.keys) {
            const id = JSON.stringify(key);
            expect(seen.has(id), `${layer}/${view}: ${id} bound twice`).toBe(false);
            seen.add(id);
          }
        }
      }
    }
  });
});

describe('theme', () => {
  it('NO_COLOR (any non-empty value) selects the monochrome theme, which names no colour', () => {
    expect(themeFromEnv({ NO_COLOR: '1' })).toBe(monochromeTheme);
    expect(themeFromEnv({ NO_COLOR: '' })).toBe(colorTheme);
    expect(themeFromEnv({})).toBe(colorTheme);
    const colours = Object.entries(monochromeTheme).filter(([key]) => key !== 'monochrome');
    expect(colours).toEqual([]);
  });
});
