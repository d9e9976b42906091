// Prints the totals of the whole run, per project and overall, ending with one plain closing line
// ("tests: N passed, N failed[, N skipped]"), so CI output shows at a glance what ran and where.
import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

const format = ({ passed, failed, skipped }: Counts) => `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const byProject = new Map<string, Counts>();
    for (const module of testModules) {
      const name = module.project.name || 'root';
      const counts = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      byProject.set(name, counts);
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        const key = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        counts[key]++;
        total[key]++;
      }
      if (module.state() === 'failed' && !module.children.size) {
        counts.failed++; // a file that failed to load
        total.failed++;
      }
    }
    const lines = [...byProject].sort(([a], [b]) => a.localeCompare(b)).map(([name, counts]) => `  ${name}: ${format(counts)}`);
    process.stdout.write(`\n${lines.join('\n')}\ntests: ${format(total)}\n`);
  }
}
