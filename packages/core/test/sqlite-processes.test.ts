// Several processes sharing one SQLite file (a server and `auterity migrate`, say) migrate it once.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@auterity/testing';
import { migrations } from '../src/storage/index.js';

const run = promisify(execFile);
const engineSource = path.resolve(import.meta.dirname, '../src/index.ts');

describe('SQLite file shared by several processes', () => {
  let db: TestDatabase;
  let script: string;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    script = path.join(path.dirname(db.url.slice('sqlite:'.length)), 'migrate.mts');
    writeFileSync(
      script,
      `import { createAuterity } from ${JSON.stringify(engineSource)};\n` +
        `const engine = createAuterity({ database: process.argv[2] });\n` +
        `console.log(JSON.stringify(await engine.migrate()));\n` +
        `await engine.close();\n`,
    );
  });
  afterAll(() => db.drop());

  it('migrates exactly once when processes migrate at the same time', async () => {
    const outputs = await Promise.all(
      Array.from({ length: 3 }, () => run(process.execPath, ['--import', 'tsx', script, db.url], { cwd: import.meta.dirname })),
    );
    const applied = outputs.flatMap(({ stdout }) => (JSON.parse(stdout) as { applied: string[] }).applied);
    expect(applied).toEqual(migrations.map((migration) => migration.name));
  }, 60_000);
});
