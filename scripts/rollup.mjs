// Shared rollup configuration for every publishable package.
// Entry points come from the package's own `exports` map, so the map is the single source of truth:
// "." builds src/index.ts(x), "./x" builds src/x/index.ts(x). Modules are preserved (one output file
// per source file) so consumers' bundlers can tree-shake, and every bare import stays external.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import esbuild from 'rollup-plugin-esbuild';

const isExternal = (id) => !id.startsWith('.') && !path.isAbsolute(id) && !id.startsWith('\0');

export function packageConfig({ cwd = process.cwd(), extraPlugins = [] } = {}) {
  const pkg = JSON.parse(readFileSync(path.join(cwd, 'package.json'), 'utf8'));
  const input = {};
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target === 'string') continue; // ./package.json, stylesheets
    const name = key === '.' ? 'index' : `${key.slice(2)}/index`;
    const source = ['.ts', '.tsx'].map((ext) => path.join(cwd, 'src', name + ext)).find(existsSync);
    if (!source) throw new Error(`${pkg.name}: export "${key}" has no source file src/${name}.ts(x)`);
    input[name] = source;
  }
  const output = (format, ext) => ({
    dir: path.join(cwd, 'dist'),
    format,
    preserveModules: true,
    preserveModulesRoot: path.join(cwd, 'src'),
    entryFileNames: `[name].${ext}`,
    exports: 'named',
    sourcemap: false,
  });
  // A build starts from an empty dist/ so files of deleted modules never ship.
  rmSync(path.join(cwd, 'dist'), { recursive: true, force: true });
  return {
    input,
    external: isExternal,
    plugins: [esbuild({ target: 'node20', jsx: 'automatic', tsconfig: path.join(cwd, 'tsconfig.json') }), ...extraPlugins],
    output: [output('es', 'js'), output('cjs', 'cjs')],
    onwarn(warning, warn) {
      if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return; // "use client" kept by the banner instead
      warn(warning);
    },
  };
}
