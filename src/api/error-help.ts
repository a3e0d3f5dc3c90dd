/**
 * What an API error code means for the operator and what to do about it, in words.
 * One table keyed by the API's `code` (NOTES.md §7 and §1.8); every place that shows an
 * error (status bar, events, header, prompts, detail panes) explains it from here.
 */
export interface ErrorHelp {
  /** what happened, in a few words */
  meaning: string;
  /** what to do about it */
  action: string;
}

const FILE_PROBLEM: ErrorHelp = {
  meaning: 'the video does not meet the requirements',
  action: 'fix or re-encode the file (resolution, length, size) and upload it again',
};

const KEY_REFUSED: ErrorHelp = {
  meaning: 'the API key was refused',
  action: 'create a new key in the TwelveLabs Playground and store it with tltop config',
};

const PLAN_REFUSED: ErrorHelp = {
  meaning: 'your plan does not allow this',
  action: 'upgrade the plan in the TwelveLabs Playground, or use another key',
};

const CREDIT_USED_UP: ErrorHelp = {
  meaning: 'the account has used up its credit (usage limit reached)',
  action:
    'add credit or upgrade the plan in the TwelveLabs Playground; work already running goes on, new indexing and analysis is refused until then',
};

const SERVER_TROUBLE: ErrorHelp = {
  meaning: 'the API had a problem on its side',
  action: 'tltop keeps the last data and retries by itself; if it lasts, check status.twelvelabs.io',
};

export const ERROR_HELP: Readonly<Record<string, ErrorHelp>> = {
  too_many_requests: {
    meaning: 'rate limit reached: too many requests for this key in the current window',
    action:
      'tltop pauses polling until the window resets and then goes on; other clients on the same key share the budget, so stop them or ask TwelveLabs for a higher limit',
  },
  usage_limit_exceeded: CREDIT_USED_UP,
  insufficient_funds: CREDIT_USED_UP,
  api_key_invalid: KEY_REFUSED,
  unauthorized: KEY_REFUSED,
  unauthorized_request: KEY_REFUSED,
  api_not_allowed: PLAN_REFUSED,
  api_allowed_for_paid_plan: PLAN_REFUSED,
  api_upgrade_required: PLAN_REFUSED,
  region_not_allowed: {
    meaning: 'the API is not available from this region',
    action: 'contact TwelveLabs support about the regions your account may use',
  },
  parameter_invalid: {
    meaning: 'the server refused a value of the request',
    action: 'check the parameter the message names',
  },
  parameter_not_provided: {
    meaning: 'the request lacked a required value',
    action: 'give the parameter the message names',
  },
  resource_not_exist: {
    meaning: 'the item does not exist (any more)',
    action: 'it may have been deleted elsewhere; press R to refresh',
  },
  not_found: {
    meaning: 'the item does not exist (any more)',
    action: 'it may have been deleted elsewhere; press R to refresh',
  },
  task_cannot_be_deleted: {
    meaning: 'only ready or failed tasks can be deleted',
    action: 'wait until the task finishes, then delete it',
  },
  index_name_already_exists: {
    meaning: 'an index with this name exists',
    action: 'pick another name',
  },
  token_limit_exceeded: {
    meaning: 'the prompt and video exceed the model context window',
    action: 'shorten the prompt, analyse a shorter part of the video or lower max_tokens',
  },
  request_canceled_or_timed_out: {
    meaning: 'the server gave up on the request',
    action: 'try again; tltop retries polls by itself',
  },
  video_resolution_too_low: FILE_PROBLEM,
  video_resolution_too_high: FILE_PROBLEM,
  video_resolution_invalid_aspect_ratio: FILE_PROBLEM,
  video_duration_too_short: FILE_PROBLEM,
  video_duration_too_long: FILE_PROBLEM,
  video_file_broken: {
    meaning: 'the video file could not be decoded',
    action: 'check that the file plays locally, re-encode it and upload it again',
  },
  video_filesize_too_large: {
    meaning: 'the file is larger than this endpoint accepts',
    action: 'upload it as a multipart upload (n), which takes files up to 4 GB',
  },
  internal_error: SERVER_TROUBLE,
  service_unavailable: SERVER_TROUBLE,
};

/** Codes tltop makes up (`http_<status>`) when an error body names none (a 429 on /analyze is empty). */
const BY_STATUS: Readonly<Record<string, ErrorHelp>> = {
  http_401: KEY_REFUSED,
  http_429: ERROR_HELP.too_many_requests!,
  http_500: SERVER_TROUBLE,
  http_502: SERVER_TROUBLE,
  http_503: SERVER_TROUBLE,
  http_504: SERVER_TROUBLE,
};

const ALL_HELP: Readonly<Record<string, ErrorHelp>> = { ...ERROR_HELP, ...BY_STATUS };

const CODE_PATTERN = new RegExp(`\\b(${Object.keys(ALL_HELP).join('|')})\\b`);

/** The help for an error code, if it is one we can explain. */
export function errorHelp(code: string | undefined): ErrorHelp | undefined {
  return code === undefined ? undefined : ALL_HELP[code];
}

/** The first explainable error code named in a line of text (e.g. "429 too_many_requests: ..."). */
export function codeIn(text: string | undefined): string | undefined {
  return text ? CODE_PATTERN.exec(text)?.[1] : undefined;
}

/** "meaning: action" for the first explainable code in the text, or undefined. */
export function explainText(text: string | undefined): string | undefined {
  const help = errorHelp(codeIn(text));
  return help ? `${capitalize(help.meaning)} — ${help.action}` : undefined;
}

/**
 * An error line explained where it names a known code, so a line cut to the terminal's width
 * still says what happened and what to do: "delete failed: rate limit reached: … (429
 * too_many_requests) — tltop pauses polling … · You have exceeded …". Unchanged otherwise.
 */
export function withErrorHelp(text: string): string {
  const code = codeIn(text);
  const help = errorHelp(code);
  if (!code || !help) return text;
  const match = new RegExp(`(?:\\b(\\d{3}) )?\\b${code}\\b:?\\s*`).exec(text)!;
  const head = text.slice(0, match.index);
  const tail = text.slice(match.index + match[0].length).trim();
  const status = match[1] ? `${match[1]} ` : '';
  const meaning = head ? help.meaning : capitalize(help.meaning);
  return `${head}${meaning} (${status}${code}) — ${help.action}${tail ? ` · ${tail}` : ''}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
