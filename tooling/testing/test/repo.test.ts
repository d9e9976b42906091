// Repository-level promises: the README's commands are the ones CI runs, and no committed file
// names a package registry's host (lockfiles included).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function quickStartCommands(): string[] {
  const readme = read('README.md');
  const section = readme.split(/^## /m)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
}

describe('repository', () => {
  it("README's first section holds exactly two commands: the demo, then the test suite", () => {
    const commands = quickStartCommands();
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/ demo$/);
    expect(commands[1]).toMatch(/ test:all$/);
  });

  it(".ci/run ends by running README command 2 verbatim", () => {
    const ciLines = read('.ci/run').trim().split('\n');
    expect(ciLines.at(-1)).toBe(quickStartCommands()[1]);
  });

  it('no tracked file names a package registry host', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const hosts = /registry\.npmjs\.org|registry\.yarnpkg\.com|registry\.npmmirror\.com|deb\.debian\.org/;
    const offenders = files.filter((file) => {
      try {
        return hosts.test(read(file));
      } catch {
        return false; // deleted in the working tree
      }
    });
    expect(offenders).toEqual([]);
  });
});
