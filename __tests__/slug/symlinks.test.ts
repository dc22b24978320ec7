/** docs/packing-notes.md §8.4: go-slug's lexical "inside the root" test, used to classify symlinks. */
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { lexicalTarget, targetWithinRoot } from '../../src/slug/symlinks.js';

describe('targetWithinRoot (escapingfs_test.go)', () => {
  it.each([
    ['/tmp/root', '/tmp/root/subdir/file.txt', true],
    ['/tmp/root', '/tmp/root', true],
    ['/tmp/root', '/tmp/otherdir/file.txt', false],
    ['/tmp/root/subdir', '/tmp/root', false],
    ['/tmp/root', '/tmp/root/..file.txt', true],
    ['/tmp/root', '/tmp/root/..subdir/file.txt', true],
    ['/tmp/root', '/tmp/root/sub dir/file.txt', true],
    ['/tmp/root', path.join('/tmp/root', '  ../../../', 'file.txt'), false],
    ['/tmp/root', path.join('/tmp/root', './..', 'sensitive', 'file.txt'), false],
    ['/tmp/root', path.join('/tmp/root', '..', 'sensitive', 'file.txt'), false],
    ['/tmp/root', path.join('/tmp/root', '..', '..', 'etc', 'passwd'), false],
    ['/tmp/root', '', false],
    ['.', './file.txt', true],
    ['./subdir', '../file.txt', false],
    ['/tmp/root/', '/tmp/root/file.txt', true],
    ['/tmp/root', '/tmp/root/subdir/../file.txt', true],
    ['/tmp/root', path.join('/tmp/root', '..', '/tmp/root', 'file.txt'), false],
    ['/tmp/root', '/tmp/root/./file.txt', true]
  ])('root %j, target %j → %s', (root, target, inside) => {
    expect(targetWithinRoot(root, target)).toBe(inside);
  });

  it('resolves a link target lexically from the link’s directory', () => {
    expect(lexicalTarget('/r/sub/link', '../a/../b')).toBe('/r/b');
    expect(lexicalTarget('/r/sub/link', '/x//y/../z')).toBe('/x/z');
  });
});
