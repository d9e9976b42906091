import { readFileSync } from 'node:fs';
import { packageConfig } from '../../scripts/rollup.mjs';

// Ships the stylesheet as dist/css/styles.css (the "./styles.css" export) with an empty declaration,
// so `import '@auterity/react/styles.css'` type-checks (noUncheckedSideEffectImports) and
// resolves for every module resolution mode (attw).
const stylesheet = {
  name: 'auterity-stylesheet',
  buildStart() {
    this.addWatchFile('src/styles.css');
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'css/styles.css', source: readFileSync('src/styles.css', 'utf8') });
    this.emitFile({ type: 'asset', fileName: 'css/styles.d.css.ts', source: '// The kit stylesheet: import it once for its side effect.\nexport {};\n' });
    // A format-neutral scope, so the declaration reads the same from `import` and `require`.
    this.emitFile({ type: 'asset', fileName: 'css/package.json', source: '{ "type": "commonjs" }\n' });
  },
};

const config = packageConfig({ extraPlugins: [stylesheet] });
// Every module is a client module for React Server Components (Next.js app router): the kit uses
// context, state and effects throughout.
config.output = config.output.map((output) => ({ ...output, banner: "'use client';" }));

export default config;
