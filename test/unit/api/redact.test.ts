import { describe, expect, test } from 'vitest';
import { maskKey, redactUrl, redactUrlsInText, scrubSecrets } from '../../../src/api/redact.js';
import { cleanServerText } from '../../../src/api/server-text.js';

describe('redactUrl', () => {
  test('strips the signing query of a presigned URL', () => {
    const url = 'https://bucket.s3.amazonaws.com/key/part-3?X-Amz-Signature=abc&X-Amz-Credential=AKIA';
    expect(redactUrl(url)).toBe('https://bucket.s3.amazonaws.com/key/part-3?…');
  });

  test('leaves a URL without query or fragment unchanged', () => {
    expect(redactUrl('http://127.0.0.1:8080/v1.3/tasks')).toBe('http://127.0.0.1:8080/v1.3/tasks');
  });

  test('redacts every URL with a query inside free text', () => {
    const text = 'PUT https://s3.example/a?sig=1 failed, then https://s3.example/b#x?sig=2 too';
    expect(redactUrlsInText(text)).toBe('PUT https://s3.example/a?… failed, then https://s3.example/b?… too');
  });
});

describe('maskKey', () => {
  test('shows the prefix and the last four characters', () => {
    expect(maskKey('tlk_0123456789abcdefWXYZ')).toBe('tlk_…WXYZ');
  });

  test('shows nothing but the prefix of a short key', () => {
    expect(maskKey('tlk_short')).toBe('tlk_…');
    expect(maskKey('abc')).toBe('…');
  });

  test('scrubSecrets replaces every occurrence', () => {
    const key = 'tlk_0123456789abcdefWXYZ';
    expect(scrubSecrets(`a ${key} b ${key}`, [key])).toBe('a tlk_…WXYZ b tlk_…WXYZ');
  });
});

describe('cleanServerText', () => {
  test('removes escape sequences and control characters, keeps words apart', () => {
    expect(cleanServerText('\u001b[31mred\u001b[0m\tand\r\nbold\u0007\u009b2J')).toBe('red and bold');
  });

  test('caps the length with an ellipsis', () => {
    const text = cleanServerText('x'.repeat(1000));
    expect(text).toHaveLength(200);
    expect(text.endsWith('…')).toBe(true);
  });

  test('scrubs a secret even when an escape sequence splits it', () => {
    const key = 'tlk_0123456789abcdefWXYZ';
    const hostile = `echo tlk_01234\u001b[0m56789abcdefWXYZ and ${key}`;
    const clean = cleanServerText(hostile, [key]);
    expect(clean).not.toContain(key);
    expect(clean).toBe('echo tlk_…WXYZ and tlk_…WXYZ');
  });

  test('redacts presigned URLs and ignores non-strings', () => {
    expect(cleanServerText('see https://s3/x?X-Amz-Signature=1')).toBe('see https://s3/x?…');
    expect(cleanServerText(42)).toBe('');
  });
});
