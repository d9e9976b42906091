// Vitest resolves the workspace's own packages to their TypeScript sources, so suites test the code
// as written without a build in between. Aliases come from each package's `exports` map ("." ->
// src/index.ts(x), "./x" -> src/x/index.ts(x)), the same rule the rollup build follows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function workspaceAliases(): { find: string | RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  const packagesDir = path.join(root, 'packages');
  for (const dir of readdirSync(packagesDir)) {
    const manifest = path.join(packagesDir, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const [key, target] of Object.entries(pkg.exports ?? {})) {
      if (typeof target === 'string') continue;
      const name = key === '.' ? 'index' : `${key.slice(2)}/index`;
      const source = ['.ts', '.tsx'].map((ext) => path.join(packagesDir, dir, 'src', name + ext)).find(existsSync);
      if (!source) continue;
      const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
      aliases.push({ find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`), replacement: source });
    }
  }
  return aliases;
}
