/** The failure triage and bulk work: what the Failures view lists and what d / r act on. */
import type { ResourceTableId, TableId } from '../types.js';

/** The family a failed item belongs to: the table it is listed in elsewhere. */
export type FailureFamily = ResourceTableId;

/** One failed item of any family, with its reason normalised to a short code and a message. */
export interface FailureItem {
  /** `${family}:${id}`: the items table's row id */
  key: string;
  family: FailureFamily;
  id: string;
  /** short, e.g. "video_resolution_too_low" (the API's code, else made from the message) */
  code: string;
  /** one line, as the server sent it (sanitised when rendered) */
  message: string;
  /** ISO time it failed (updated / completed / created, whichever the family has) */
  at: string;
  /** file name, custom id or input URL; '' when none */
  name: string;
  indexId?: string;
  assetId?: string;
  /** embed model, for re-creating an embed v2 task */
  model?: string;
}

/** Failed items of one family sharing one code. */
export interface FailureGroup {
  /** `${family}|${code}`: the groups table's row id */
  key: string;
  family: FailureFamily;
  code: string;
  /** the newest item's message */
  message: string;
  count: number;
  /** ISO time of the newest item */
  newestAt: string;
  /** item keys, newest first */
  items: readonly string[];
}

export interface FailuresState {
  /** failed items fetched from the server by key (uploads come from the engine, not from here) */
  items: Readonly<Record<string, FailureItem>>;
  /** failed items per family the server reports (list totals); more than loaded when pages were left */
  totals: Readonly<Partial<Record<FailureFamily, number>>>;
  /** the first poll has finished */
  loaded: boolean;
}

/** One item d / r acts on, with what the family's call needs. */
export interface BulkTarget {
  family: FailureFamily;
  id: string;
  /** the row's key in its table (what its mark is stored under), when it differs from `id` */
  key?: string;
  indexId?: string;
  assetId?: string;
  model?: string;
}

/** A confirmed bulk action: one operation on a set of one family. */
export interface BulkPlan {
  op: 'retry' | 'delete';
  family: FailureFamily;
  targets: readonly BulkTarget[];
  /** the table whose marks are cleared afterwards */
  table: TableId;
}
