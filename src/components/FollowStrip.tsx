import { Box, Text } from 'ink';
import { memo } from 'react';
import {
  entityOf,
  FAMILY_LABEL,
  isItemTerminal,
  type LinkItem,
  refKey,
  selectLinks,
} from '../store/lineage.js';
import { nameOf, statusOf } from '../store/tables.js';
import type { AppState } from '../store/types.js';
import { useAppState } from './context.js';
import { LinkLine } from './details/LinksBlock.js';
import { cell, shortId } from './format.js';
import { sanitize } from './sanitize.js';
import { statusLook } from './status.js';
import { useTheme } from './theme.js';

/** At most this many chain items are listed; the title counts the rest. */
const MAX_ITEMS = 4;

/** Rows the strip wants for a chain of `length` items, never more than `available`. */
export function followStripRows(length: number, available: number): number {
  if (length === 0) return 0;
  return Math.max(0, Math.min(1 + Math.min(length, MAX_ITEMS), available));
}

/** Items in the chain (the followed item and its links); 0 when nothing is followed. */
export function selectChainLength(state: AppState): number {
  const follow = state.lineage.follow;
  return follow ? 1 + selectLinks(state, follow.ref).length : 0;
}

function selectFollowed(state: AppState): LinkItem | undefined {
  const follow = state.lineage.follow;
  if (!follow) return undefined;
  const entity = entityOf(state, follow.ref);
  return {
    ref: follow.ref,
    family: FAMILY_LABEL[follow.ref.table],
    status: entity ? statusOf(follow.ref.table, entity as never) : '?',
    name: entity ? nameOf(follow.ref.table, entity as never) : '',
    inferred: false,
    missing: !entity,
  };
}

let followedCache: { entities: unknown; follow: unknown; item: LinkItem | undefined } | undefined;

function selectFollowedItem(state: AppState): LinkItem | undefined {
  const cache = followedCache;
  if (cache && cache.entities === state.entities && cache.follow === state.lineage.follow) return cache.item;
  const item = selectFollowed(state);
  followedCache = { entities: state.entities, follow: state.lineage.follow, item };
  return item;
}

function selectActiveCount(state: AppState): number {
  const follow = state.lineage.follow;
  if (!follow) return 0;
  const refs = [follow.ref, ...selectLinks(state, follow.ref).map((link) => link.ref)];
  return refs.filter((ref) => !isItemTerminal(state, ref)).length;
}

export interface FollowStripProps {
  width: number;
  height: number;
}

/**
 * The followed chain, pinned above the footer in every view: the item and its links, kept
 * fresh at the detail rate until all of them are terminal ("done").
 */
export const FollowStrip = memo(function FollowStrip({ width, height }: FollowStripProps) {
  const theme = useTheme();
  const follow = useAppState((state) => state.lineage.follow);
  const followed = useAppState(selectFollowedItem);
  const links = useAppState((state) => selectLinks(state, state.lineage.follow?.ref ?? null));
  const active = useAppState(selectActiveCount);
  const problem = useAppState((state) => {
    const error = state.lineage.error;
    return error && follow && error.key === refKey(follow.ref) ? error.message : '';
  });
  if (!follow || !followed || height <= 0) return null;
  // links still running first: they are what the strip is for when not all fit
  const running = (item: LinkItem) => {
    const tone = statusLook(item.missing ? 'unknown' : item.status).tone;
    return tone === 'running' || tone === 'waiting';
  };
  const chain = [followed, ...links.filter(running), ...links.filter((item) => !running(item))];
  const shown = chain.slice(0, Math.max(0, height - 1));
  const hidden = chain.length - shown.length;
  const state = follow.done
    ? '✓ done (every item is terminal; polling stopped)'
    : `● updating · ${active} still running`;
  const trouble = problem ? ` · ✗ ${sanitize(problem)}` : '';
  const title = `Following ${followed.family.toLowerCase()} ${shortId(sanitize(follow.ref.id))} · ${chain.length} item${chain.length === 1 ? '' : 's'}${hidden > 0 ? ` (+${hidden} not shown)` : ''} · ${state}${trouble} · f stops`;
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold color={follow.done ? theme.ok : theme.accent} wrap="truncate">
        {cell(title, width)}
      </Text>
      {shown.map((item) => (
        <LinkLine key={refKey(item.ref)} link={item} width={width} selected={false} theme={theme} />
      ))}
    </Box>
  );
});
