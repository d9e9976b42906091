// `pnpm check:packages`: every publishable package checked the way consumers meet it.
//   1. publint --strict            (package.json / exports / files mistakes)
//   2. attw --pack --profile node16 (types resolve for ESM and CJS consumers alike; Node >= 20.19 only,
//                                    so node10 resolution is out of scope)
//   3. size-limit                  (budgets in .size-limit.json)
//   4. a consumer type-check       (tooling/consumer-check imports every entry point from ESM and CJS)
// Packages are built first when their dist/ is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const failures = [];

function run(label, command, args, cwd = root) {
  process.stdout.write(`\n▶ ${label}\n`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  if (result.status !== 0) failures.push(label);
}

const packages = readdirSync(path.join(root, 'packages'))
  .map((dir) => path.join(root, 'packages', dir))
  .filter((dir) => existsSync(path.join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

for (const { dir, pkg } of packages) {
  if (!existsSync(path.join(dir, 'dist'))) run(`build ${pkg.name}`, 'pnpm', ['--filter', pkg.name, 'run', 'build']);
}
for (const { dir, pkg } of packages) {
  run(`publint --strict ${pkg.name}`, bin('publint'), ['--strict', dir]);
  run(`attw --pack ${pkg.name}`, bin('attw'), ['--pack', dir, '--profile', 'node16', '--format', 'table-flipped']);
}
run('size-limit budgets', bin('size-limit'), []);
run('consumer type-check (ESM + CJS)', 'pnpm', ['--filter', '@auterity/consumer-check', 'run', 'check']);

if (failures.length) {
  console.error(`\ncheck:packages failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`\ncheck:packages: ${packages.length} packages clean`);
