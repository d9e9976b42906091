// `pnpm bench <name>` runs bench/<name>.ts against the built packages (building them first when a
// dist/ is missing). Output contract (DESIGN §9): one JSON object per line, the last line the
// summary with the peer measured in the same run and the ratio.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const benchDir = path.join(root, 'bench');
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts'))
  .map((file) => file.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`${name ? `no benchmark named "${name}"` : 'missing benchmark name'}: expected one of ${available.join(', ')}`);
  console.error('Usage: pnpm bench <name> [args...]');
  process.exit(2);
}
const unbuilt = readdirSync(path.join(root, 'packages')).filter((dir) => !existsSync(path.join(root, 'packages', dir, 'dist')));
if (unbuilt.length) {
  const build = spawnSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, `${name}.ts`), ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
});
process.exit(result.status ?? 1);
