/**
 * "Copy as curl": the retrieve call of the selected item as a shell command. The key is
 * never in it: the command reads `$TWELVELABS_API_KEY` from the shell that runs it.
 */
import type { StoreContext } from './context.js';
import { shortId } from './events.js';
import { selectActiveTable, selectSelectedItem } from './selectors.js';
import { ENTITY_NOUN, TABLE_LABELS } from './tables.js';
import type { AppState, ResourceTableId, TableId } from './types.js';

/** Server-backed tables are exactly those with an entity noun. */
const isResourceTable = (table: TableId): table is ResourceTableId => table in ENTITY_NOUN;

export interface CurlCommand {
  /** the whole command line */
  command: string;
  /** e.g. "GET /tasks/64f8…" for a status line */
  summary: string;
  noun: string;
  id: string;
}

const segment = encodeURIComponent;

/** The API base URL without userinfo, query or fragment, and without a trailing slash. */
export function publicBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.href.replace(/\/+$/, '');
}

/** The GET path that retrieves one item of a table, undefined when the item has no server id yet. */
function retrievePath(state: AppState, table: ResourceTableId, id: string): string | undefined {
  switch (table) {
    case 'uploads': {
      const row = state.entities.uploads[id];
      const uploadId = row?.local ? row.local.uploadId : (row?.session?.upload_id ?? id);
      return uploadId ? `/assets/multipart-uploads/${segment(uploadId)}` : undefined;
    }
    case 'assets':
      return `/assets/${segment(id)}`;
    case 'tasks':
      return `/tasks/${segment(id)}`;
    case 'indexedAssets': {
      const indexId = state.entities.indexedAssets[id]?.index_id ?? state.ui.indexId;
      return indexId ? `/indexes/${segment(indexId)}/indexed-assets/${segment(id)}` : undefined;
    }
    case 'embedV1':
      return `/embed/tasks/${segment(id)}`;
    case 'embedV2':
      return `/embed-v2/tasks/${segment(id)}`;
    case 'analyze':
      return `/analyze/tasks/${segment(id)}`;
  }
}

/** The curl command for the selected item; throws a one-line Error when there is none. */
export function curlForSelection(context: StoreContext): CurlCommand {
  const state = context.store.getState();
  const table = selectActiveTable(state);
  if (!isResourceTable(table)) throw new Error(`${TABLE_LABELS[table]} rows have no API call to copy`);
  const item = selectSelectedItem(state);
  if (!item) throw new Error('select a row to copy its curl command');
  const path = retrievePath(state, item.table, item.id);
  const noun = ENTITY_NOUN[item.table];
  if (!path) throw new Error(`this ${noun} has no server id yet`);
  // single-quoted for the shell: a quote in a configured base URL must not end the word
  const url = `${publicBaseUrl(context.api.baseUrl)}${path}`.replaceAll("'", '%27');
  return {
    command: `curl -sS --request GET '${url}' -H "x-api-key: $TWELVELABS_API_KEY"`,
    summary: `GET ${path.replace(segment(item.id), shortId(item.id))}`,
    noun,
    id: item.id,
  };
}

/**
 * `c` / `:curl`: copies the selected item's curl command to the clipboard. `show` puts the
 * whole command in the status bar (`:curl`); without a clipboard it is shown anyway.
 */
export function copySelectedCurl(context: StoreContext, show = false): CurlCommand | undefined {
  let curl: CurlCommand;
  try {
    curl = curlForSelection(context);
  } catch (error) {
    context.setStatus(error instanceof Error ? error.message : String(error), 'warn');
    return undefined;
  }
  if (!context.clipboard) {
    context.setStatus(`copy needs a terminal; ${curl.command}`, 'warn');
    return curl;
  }
  context.clipboard(curl.command);
  context.setStatus(show ? `copied: ${curl.command}` : `copied curl ${curl.summary}`);
  context.log([{ source: 'action', message: `copied curl for ${curl.noun} ${shortId(curl.id)}` }]);
  return curl;
}
