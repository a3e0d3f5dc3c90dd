/** Row renderers of the Failures view: groups (family, code, count, newest) and the items of one. */
import { TABLE_LABELS } from '../../store/tables.js';
import type { FailureGroup, FailureItem } from '../../store/triage/types.js';
import { formatCount, formatPast, shortId } from '../format.js';
import { sanitize } from '../sanitize.js';
import type { Column } from '../Table.js';

export const FAILURE_GROUP_COLUMNS: readonly Column<FailureGroup>[] = [
  {
    key: 'family',
    title: 'Family',
    width: 17,
    text: (group) => `✗ ${TABLE_LABELS[group.family]}`,
    tone: () => 'failed',
  },
  { key: 'code', title: 'Code', width: 38, text: (group) => sanitize(group.code) },
  { key: 'count', title: 'Count', width: 6, align: 'right', text: (group) => formatCount(group.count) },
  {
    key: 'updated_at',
    title: 'Newest',
    width: 9,
    align: 'right',
    text: (group, now) => formatPast(group.newestAt, now),
  },
  {
    key: 'message',
    title: 'Message',
    width: 16,
    flex: true,
    dropOrder: 1,
    text: (group) => sanitize(group.message),
  },
];

export const FAILURE_ITEM_COLUMNS: readonly Column<FailureItem>[] = [
  { key: 'id', title: 'Id', width: 9, text: (item) => shortId(sanitize(item.id)) },
  // the name tells the items apart; the reason is mostly the group's and goes first when narrow
  { key: 'name', title: 'Name', width: 34, text: (item) => sanitize(item.name) },
  {
    key: 'updated_at',
    title: 'Failed',
    width: 9,
    align: 'right',
    text: (item, now) => formatPast(item.at, now),
  },
  {
    key: 'reason',
    title: 'Reason',
    width: 20,
    flex: true,
    dropOrder: 1,
    text: (item) => sanitize(item.message),
  },
];
