/** `:curl`: the selected item's retrieve call as a curl command (clipboard + status bar). */
import { copySelectedCurl, curlForSelection } from '../curl.js';
import type { CommandSpec } from './types.js';

export const CURL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'curl',
    usage: ':curl',
    description: "copy the selected item's GET call as curl (key as $TWELVELABS_API_KEY) and show it",
    run(_args, context) {
      curlForSelection(context); // a refusal stays in the prompt
      copySelectedCurl(context, true);
    },
  },
];
