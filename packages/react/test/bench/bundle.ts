// Bundles the DataTable benchmark harness for production, the way a consumer's bundler would
// (React's production build, minified), and returns the code of one ES module.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceAliases } from '../../../../tooling/testing/src/workspace-aliases.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export async function bundleDataTableHarness({ minify = true }: { minify?: boolean } = {}): Promise<string> {
  const { build } = await import('vite');
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    root: here,
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    oxc: { jsx: { runtime: 'automatic', development: false } },
    resolve: { alias: workspaceAliases() },
    build: {
      write: false,
      minify,
      modulePreload: false,
      lib: { entry: path.join(here, 'datatable-harness.tsx'), formats: ['es'], fileName: 'harness' },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    for (const chunk of output.output) if (chunk.type === 'chunk' && chunk.isEntry) return chunk.code;
  }
  throw new Error('bundleDataTableHarness: no entry chunk in the build output');
}
