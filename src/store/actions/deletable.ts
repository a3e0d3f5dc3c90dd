/**
 * What the API lets an operator do with a task that is still running: indexing and analyze tasks
 * can be deleted once ready or failed, and v1.3 has no cancel for either.
 */
import { isApiError } from '../../api/errors.js';

const FINISHED = new Set(['ready', 'failed']);

export const ANALYZE_RUNNING =
  'analyze tasks cannot be cancelled (the API has none); delete it once it is finished';
export const TASK_RUNNING = 'indexing tasks cannot be cancelled; delete it once it is ready or failed';

/** Why the task cannot be deleted now, or undefined when the API allows it. */
export function deleteRefusal(table: 'tasks' | 'analyze', status: string | undefined): string | undefined {
  if (status === undefined || FINISHED.has(status)) return undefined;
  return `${table === 'analyze' ? ANALYZE_RUNNING : TASK_RUNNING} (it is ${status})`;
}

/** The server's refusal of a delete (409 or 400 while running) said in what the API allows. */
export function explainDeleteError(table: 'tasks' | 'analyze', error: unknown): unknown {
  if (!isApiError(error)) return error;
  const running = error.code === 'task_in_progress' || error.code === 'task_cannot_be_deleted';
  if (!running && error.status !== 409) return error;
  return new Error(table === 'analyze' ? ANALYZE_RUNNING : TASK_RUNNING);
}
