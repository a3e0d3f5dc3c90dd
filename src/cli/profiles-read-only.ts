import type { TwelveLabsApi } from '../api/api.js';
import { ApiError } from '../api/errors.js';

/** Every call that changes the account (or starts to): uploads, indexing, deletes. */
const WRITES: ReadonlyMap<PropertyKey, string> = new Map<keyof TwelveLabsApi, string>([
  ['createUpload', 'uploading'],
  ['reportChunks', 'uploading'],
  ['requestPresignedUrls', 'uploading'],
  ['createIndexedAsset', 'indexing'],
  ['deleteTask', 'deleting'],
  ['deleteAnalyzeTask', 'deleting'],
  ['deleteIndexedAsset', 'deleting'],
  ['deleteAsset', 'deleting'],
  ['createAnalyzeTask', 'analyzing'],
  ['createEmbedV2Task', 'embedding'],
]);

/**
 * The API under `--read-only` or a `read_only` profile: reads pass through, every write is refused
 * before it leaves the machine. Guarding the client (not the keys) means no action,
 * present or future, can slip past.
 */
export function readOnlyApi(api: TwelveLabsApi, reason: string): TwelveLabsApi {
  return new Proxy(api, {
    get(target, property) {
      const what = WRITES.get(property);
      if (what !== undefined) {
        return () =>
          Promise.reject(
            new ApiError({
              kind: 'http',
              code: 'read_only_profile',
              message: `read-only (${reason}): ${what} is turned off`,
              retryable: false,
            }),
          );
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
