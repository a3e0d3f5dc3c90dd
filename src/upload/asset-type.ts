/** The asset type of a file, from its extension (the dashboard's `n` and `tltop upload` without --type). */
import path from 'node:path';
import type { AssetType } from '../api/types.js';

const AUDIO = new Set(['.mp3', '.wav', '.m4a', '.aac', '.flac', '.ogg', '.opus', '.wma']);
const IMAGE = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.tif', '.tiff', '.heic']);

export function assetTypeOf(file: string, fallback: AssetType): AssetType {
  const extension = path.extname(file).toLowerCase();
  if (AUDIO.has(extension)) return 'audio';
  if (IMAGE.has(extension)) return 'image';
  return extension === '' ? fallback : 'video';
}
