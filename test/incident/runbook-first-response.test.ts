import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALERT_ACTIONS, firstResponseSection } from '../../constructs/incident-response/alert-dependencies';

const RUNBOOKS = join(__dirname, '../../docs/monitoring/runbooks');

/** Every alert is wired to the responder, so every runbook says what runs on its own: generated, and compared here. */
describe('runbooks say which actions run automatically', () => {
  const runbooks = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.md'));

  test.each(runbooks)('%s carries the generated "Automated first response" section', (file) => {
    const text = readFileSync(join(RUNBOOKS, file), 'utf8');
    const at = text.indexOf('## Automated first response');
    expect(at).toBeGreaterThan(0);
    const next = text.indexOf('\n## ', at + 5);
    expect(text.slice(at, next >= 0 ? next : undefined).trimEnd()).toBe(firstResponseSection(file.replace(/\.md$/, '')));
  });

  test('every kind with a mitigation has a runbook, which names it', () => {
    for (const [kind, actions] of Object.entries(ALERT_ACTIONS)) {
      const text = readFileSync(join(RUNBOOKS, `${kind}.md`), 'utf8');
      for (const action of actions) {
        if (action.type === 'runtime-flag') expect(text).toContain(`\`${String(action.flag)}=${String(action.value)}\``);
        if (action.type === 'raise-min-instances') expect(text).toContain(`never above ${String(action.cap)}`);
      }
    }
  });
});
