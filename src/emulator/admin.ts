import { iso, MAX_ADVANCE_SECONDS } from './clock.js';
import { EmulatorError, invalid } from './errors.js';
import { describeFaults, FaultSpecError, type Faults, parseFaultObject } from './faults.js';
import { BodyFields } from './input.js';
import type { Route } from './router.js';
import type { EmulatorState } from './state.js';

/** Size and SHA-256 of an uploaded asset's assembled bytes. */
export async function assetDigest(
  state: EmulatorState,
  assetId: string,
): Promise<{ size: number; sha256: string }> {
  const asset = state.assets.get(assetId);
  if (!asset)
    throw new EmulatorError(
      404,
      'resource_not_exist',
      `Resource with id ${assetId} does not exist in assets.`,
    );
  if (!asset.digest) {
    throw new EmulatorError(
      409,
      'digest_unavailable',
      `Asset ${assetId} has no completed upload on this emulator.`,
    );
  }
  return asset.digest();
}

export function applyFaults(state: EmulatorState, input: unknown): Faults {
  try {
    state.faults = parseFaultObject(input);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new EmulatorError(400, 'parameter_invalid', error.message);
    throw error;
  }
  return state.faults;
}

/** The `/_emulator/` control API (DESIGN.md §8); no API key needed. */
export function adminRoutes(state: EmulatorState): Route[] {
  const admin = { scope: 'admin', errors: 'classic' } as const;
  return [
    { ...admin, method: 'GET', path: '/health', handler: () => ({ status: 200, body: { ok: true } }) },
    { ...admin, method: 'GET', path: '/stats', handler: () => ({ status: 200, body: state.stats.toJSON() }) },
    {
      ...admin,
      method: 'GET',
      path: '/faults',
      handler: () => ({ status: 200, body: describeFaults(state.faults) }),
    },
    {
      ...admin,
      method: 'PUT',
      path: '/faults',
      handler: async ({ json }) => {
        const body = await json();
        return { status: 200, body: describeFaults(applyFaults(state, body ?? {})) };
      },
    },
    {
      ...admin,
      method: 'POST',
      path: '/clock',
      handler: async ({ json }) => {
        const seconds = new BodyFields(await json()).number('advance_seconds', {
          min: 0,
          max: MAX_ADVANCE_SECONDS,
        });
        if (seconds === undefined) throw invalid('advance_seconds', 'Give {"advance_seconds": n}.');
        return { status: 200, body: { now: iso(state.clock.advance(seconds)) } };
      },
    },
    {
      ...admin,
      method: 'GET',
      path: '/clock',
      handler: () => ({ status: 200, body: { now: iso(state.now()) } }),
    },
    {
      ...admin,
      method: 'GET',
      path: '/assets/{asset_id}/digest',
      handler: async ({ params }) => ({ status: 200, body: await assetDigest(state, params.asset_id!) }),
    },
  ];
}
