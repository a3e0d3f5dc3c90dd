export const API_VERSION_PATH = '/v1.3';

/**
 * `https://api.twelvelabs.io`, `…/v1.3` and `…/v1.3/` all become `https://api.twelvelabs.io/v1.3`.
 * Throws TypeError (without echoing the value) on anything that is not a plain http(s) URL.
 */
export function normalizeApiBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new TypeError('the API base URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('the API base URL must start with http:// or https://');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('the API base URL cannot carry credentials, a query or a fragment');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const hasVersion = /\/v\d+(\.\d+)?$/.test(path);
  return new URL(`${url.origin}${path}${hasVersion ? '' : API_VERSION_PATH}`);
}
