// Emits declarations with the project's TypeScript (tsc -p tsconfig.build.json), then writes a
// CommonJS twin of every .d.ts as .d.cts whose relative imports point at .cjs files, so `require`
// consumers resolve types that describe the CommonJS build (attw: no "masquerading as ESM").
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const cwd = process.cwd();
const require = createRequire(import.meta.url);
const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' });

const relative = /((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+?)\.js(['"])/g;
function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(file);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8').replace(relative, '$1$2.cjs$3');
      writeFileSync(file.slice(0, -'.d.ts'.length) + '.d.cts', text);
    }
  }
}
walk(path.join(cwd, 'dist'));
