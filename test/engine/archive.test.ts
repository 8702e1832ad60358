import { describe, expect, it } from 'vitest';
import { pathKind, pathStatOf, permissionBits } from '../../src/engine/archive.ts';

const header = (stat: unknown) => ({
  'x-docker-container-path-stat': Buffer.from(JSON.stringify(stat)).toString('base64'),
});

describe('the archive stat header', () => {
  it('reads what Engine 20.10 sends for a file, a directory and a symlink', () => {
    const file = pathStatOf(
      header({
        name: 'hostname',
        size: 13,
        mode: 420,
        mtime: '2026-11-30T15:34:04.996095459Z',
        linkTarget: '',
      }),
      200,
    );
    expect(file).toEqual({
      name: 'hostname',
      size: 13,
      mode: 420,
      mtime: '2026-11-30T15:34:04.996095459Z',
      linkTarget: '',
    });
    expect([pathKind(file.mode), permissionBits(file.mode)]).toEqual(['file', 0o644]);
    // Go's os.FileMode: ModeDir is 1<<31, ModeSymlink 1<<27.
    expect([pathKind(2147484141), permissionBits(2147484141)]).toEqual(['directory', 0o755]);
    expect([pathKind(134218239), permissionBits(134218239)]).toEqual(['symlink', 0o777]);
    // ModeSetuid (1<<23) and ModeSticky (1<<20) become the classic bits; a named pipe is other.
    expect(permissionBits(2 ** 23 + 0o750)).toBe(0o4750);
    expect(permissionBits(2 ** 31 + 2 ** 20 + 0o777)).toBe(0o1777);
    expect(pathKind(2 ** 25 + 0o644)).toBe('other');
  });

  it.each([
    ['missing', {}],
    ['not base64 JSON', { 'x-docker-container-path-stat': '!!!' }],
    ['without a mode', header({ name: 'x', size: 1, mtime: '' })],
  ])('answers ENGINE_ERROR when it is %s', (_, headers) => {
    expect(() => pathStatOf(headers, 200)).toThrow(
      expect.objectContaining({ code: 'ENGINE_ERROR' }),
    );
  });
});
