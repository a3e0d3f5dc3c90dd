import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { describe, expect, it } from 'vitest';
import { cell } from '../../src/components/format.js';
import { type Column, FittedLine, Table } from '../../src/components/Table.js';
import { monochromeTheme, ThemeContext } from '../../src/components/theme.js';

interface Item {
  id: string;
  status: string;
  name: string;
  size: string;
}

const COLUMNS: readonly Column<Item>[] = [
  { key: 'status', title: 'Status', width: 12, text: (item) => `● ${item.status}`, tone: () => 'running' },
  { key: 'id', title: 'Id', width: 9, text: (item) => item.id },
  { key: 'name', title: 'Name', width: 10, flex: true, text: (item) => item.name },
  { key: 'size', title: 'Size', width: 8, align: 'right', text: (item) => item.size },
];

const ITEMS: Item[] = [
  { id: 'a1b2c3d4', status: 'indexing', name: 'camera-1.mp4', size: '1.2 GiB' },
  { id: 'e5f6a7b8', status: 'ready', name: 'a file with spaces   and a gap.mov', size: '3 MiB' },
];

/** What each row must read: the cells padded to their widths, as one string (trailing blanks aside). */
function expected(width: number, selected: number): string[] {
  const flex = width - 2 - (12 + 9 + 8) - 3;
  return ITEMS.map((item, index) =>
    [
      index === selected ? '› ' : '  ',
      cell(`● ${item.status}`, 12),
      ' ',
      cell(item.id, 9),
      ' ',
      cell(item.name, flex),
      ' ',
      cell(item.size, 8, 'right'),
    ]
      .join('')
      .trimEnd(),
  );
}

function table(width: number) {
  return (
    <Table<Item>
      columns={COLUMNS}
      rows={ITEMS}
      rowKey={(item) => item.id}
      first={0}
      total={ITEMS.length}
      selected={0}
      width={width}
      height={ITEMS.length}
      now={0}
    />
  );
}

/** Renders on a terminal `columns` wide (ink-testing-library's is 100 columns). */
function wide(tree: ReactElement, columns: number) {
  const ink = render(tree);
  Object.defineProperty(ink.stdout, 'columns', { get: () => columns });
  ink.rerender(tree);
  return ink;
}

describe('rows drawn without their long padding', () => {
  it('read exactly as the padded cells would, in colour and without', () => {
    for (const width of [50, 80, 100, 160]) {
      const colour = wide(table(width), width);
      expect(colour.lastFrame()!.split('\n').slice(1, 3)).toEqual(expected(width, 0));
      colour.unmount();
      const mono = wide(
        <ThemeContext.Provider value={monochromeTheme}>{table(width)}</ThemeContext.Provider>,
        width,
      );
      expect(
        mono
          .lastFrame()!
          .split('\n')
          .slice(1, 3)
          .map((line) => line.trimEnd()),
      ).toEqual(expected(width, 0));
      mono.unmount();
    }
  });

  it('a fitted line keeps symbols and long blanks where they were', () => {
    const text = cell('Indexing tasks  1-44 of 10,000  ·  sort newest ▼', 80);
    const line = render(<FittedLine segments={[{ text, bold: true }]} width={80} />);
    expect(line.lastFrame()).toBe(text.trimEnd());
    line.unmount();
  });
});
