import { describe, expect, it } from 'vitest';
import { assetTypeOf } from '../../../src/upload/asset-type.js';

describe('assetTypeOf', () => {
  it('reads the asset type of a dashboard upload from the file extension', () => {
    expect(assetTypeOf('/data/call-4512.MP3', 'video')).toBe('audio');
    expect(assetTypeOf('frame.webp', 'video')).toBe('image');
    expect(assetTypeOf('~/clips/keynote.mov', 'audio')).toBe('video');
    expect(assetTypeOf('/data/no-extension', 'audio')).toBe('audio');
  });
});
