import { randomBytes } from 'node:crypto';

/** Resource ids look like Mongo ObjectIds: 24 lowercase hex characters. */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

export function isId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}
