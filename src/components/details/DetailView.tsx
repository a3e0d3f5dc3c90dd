import { Box, Text } from 'ink';
import { useCallback, useMemo } from 'react';
import { selectLinks } from '../../store/lineage.js';
import { isStuckTable, type StuckRule, selectStuckRule } from '../../store/stuck.js';
import { TABLE_LABELS } from '../../store/tables.js';
import type { AppState, DetailRef, EntityOf, ResourceTableId, TableId } from '../../store/types.js';
import { useAppState, useScroll } from '../context.js';
import { cell } from '../format.js';
import { sanitize } from '../sanitize.js';
import { useTheme } from '../theme.js';
import { type ClockReading, useClock, useTickProbe } from '../use-now.js';
import { useSampled } from '../use-sampled.js';
import { type DetailLine, DetailLines, section } from './DetailLines.js';
import { LinksBlock, linksRows, lookupState } from './LinksBlock.js';
import { withMonitorLines } from './monitor-lines.js';
import {
  analyzeLines,
  assetLines,
  embedV1Lines,
  embedV2Lines,
  indexedAssetLines,
  taskLines,
} from './resource-lines.js';
import { UploadDetail, uploadDetailText } from './UploadDetail.js';

type LineBuilders = {
  [T in Exclude<ResourceTableId, 'uploads'>]: (entity: EntityOf[T], now: number) => DetailLine[];
};

const LINES: LineBuilders = {
  assets: assetLines,
  tasks: taskLines,
  indexedAssets: indexedAssetLines,
  embedV1: embedV1Lines,
  embedV2: embedV2Lines,
  analyze: analyzeLines,
};

function selectDetailEntity(state: AppState, detail: DetailRef | null): unknown {
  if (!detail) return undefined;
  return (state.entities[detail.table] as Readonly<Record<string, unknown>>)[detail.id];
}

function detailLines(
  detail: DetailRef,
  entity: unknown,
  rule: StuckRule | undefined,
  now: number,
  width: number,
): DetailLine[] {
  if (detail.table === 'uploads') return [];
  const build = LINES[detail.table] as (entity: unknown, now: number) => DetailLine[];
  return withMonitorLines(build(entity, now), detail.table, entity, rule, now, width);
}

/** The detail pane's text at a clock reading (the minute tick's probe): ages, slow/stuck flags, expiries. */
export function detailText(
  detail: DetailRef | null,
  entity: unknown,
  rule: StuckRule | undefined,
  clock: ClockReading,
  width: number,
): string {
  if (!detail || entity === undefined) return '';
  if (detail.table === 'uploads') return uploadDetailText(entity as EntityOf['uploads'], clock);
  return JSON.stringify(detailLines(detail, entity, rule, clock.dataNow, width));
}

export interface DetailViewProps {
  width: number;
  height: number;
  now: number;
}

/** The open detail pane: the store's `ui.detail` names the table and id; the entity stays live. */
export function DetailView({ width, height, now }: DetailViewProps) {
  const theme = useTheme();
  const detail = useAppState((state) => state.ui.detail);
  const entity = useAppState((state) => selectDetailEntity(state, state.ui.detail));
  const scroll = useScroll((state) => state.detail);
  const rule = useSampled((state) => {
    const table = state.ui.detail?.table;
    return table && isStuckTable(table) ? selectStuckRule(state, table) : undefined;
  }, detail?.table ?? '');
  const lines = useMemo(
    () => (!detail || entity === undefined ? [] : detailLines(detail, entity, rule, now, width)),
    [detail, entity, now, rule, width],
  );
  // the minute tick renders the pane only when its text at the new time differs ("2h ago" stays)
  const clock = useClock();
  const shown = useMemo(() => ({ now: clock?.now ?? now, dataNow: now }), [clock?.now, now]);
  const probe = useCallback(
    (reading: ClockReading) => detailText(detail, entity, rule, reading, width),
    [detail, entity, rule, width],
  );
  useTickProbe(probe, shown);
  const linkCount = useAppState((state) => selectLinks(state, state.ui.detail).length);
  const lookup = useAppState((state) => (state.ui.detail ? lookupState(state, state.ui.detail) : ''));
  // no links: a line at the end of the text, not a block that takes a row of it
  const inlineLinks = linkCount === 0 && detail?.table !== 'uploads';
  const body = useMemo(
    () => (inlineLinks ? [...lines, section('Links'), { value: sanitize(lookup || 'none found') }] : lines),
    [lines, inlineLinks, lookup],
  );
  if (!detail) return null;
  const title = `${TABLE_LABELS[detail.table as TableId]} › ${detail.id}`;
  const linkRows = inlineLinks ? 0 : linksRows(linkCount, height - 1);
  const bodyHeight = Math.max(0, height - 1 - linkRows);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">
        {cell(`${title}   (Esc back)`, width)}
      </Text>
      {entity === undefined ? (
        <Text color={theme.muted}>loading…</Text>
      ) : detail.table === 'uploads' ? (
        <UploadDetail
          row={entity as EntityOf['uploads']}
          width={width}
          height={bodyHeight}
          scroll={scroll}
          now={now}
        />
      ) : (
        <DetailLines lines={body} width={width} height={bodyHeight} scroll={scroll} />
      )}
      {entity === undefined || linkRows === 0 ? null : (
        <LinksBlock detail={detail} width={width} height={linkRows} />
      )}
    </Box>
  );
}
