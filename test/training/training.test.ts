/**
 * The training exercises and assessments work: every exercise's checker fails on its untouched
 * starting state and passes on its reference solution (`npm run training -- verify --all`, run on
 * the compiled tool as learners run it), and every assessment can be passed, and failed, and keeps
 * its answer key out of plain text.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Assessment, ChoiceQuestion, answerHash, computedAnswer, gradeAll, loadAssessment } from '../../tools/training/assessment';
import { ROLES } from '../../tools/training/exercise';
import { EXERCISES } from '../../tools/training/exercises';

const REPO = path.resolve(__dirname, '..', '..');
const TOOL = path.join(REPO, 'build', 'tools', 'training', 'main.js');

beforeAll(() => {
  // npm test compiles first; a lone `jest test/training` must not run a stale build (incremental: seconds).
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: REPO,
    stdio: 'inherit',
  });
}, 300_000);

describe('exercises', () => {
  test('every role has at least four exercises, each teaching pages that exist', () => {
    for (const role of ROLES) expect(EXERCISES.filter((e) => e.role === role).length).toBeGreaterThanOrEqual(4);
    expect(new Set(EXERCISES.map((e) => e.id)).size).toBe(EXERCISES.length);
    for (const ex of EXERCISES) for (const doc of ex.docs) expect([ex.id, fs.existsSync(path.join(REPO, doc))]).toEqual([ex.id, true]);
  });

  test('verify --all: each checker fails on the starting state and passes on the reference solution', () => {
    const run = spawnSync(process.execPath, [TOOL, 'verify', '--all'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    const lines = run.stdout.trim().split('\n');
    expect({ status: run.status, stderr: run.stderr, bad: lines.filter((l) => !l.startsWith('ok')) }).toEqual({
      status: 0,
      stderr: '',
      bad: [],
    });
    expect(lines).toHaveLength(EXERCISES.length);
  }, 300_000);

  test('check on a workspace that was never started says so, and start then check fails with hints', () => {
    const id = 'ops-corrupted-restore';
    fs.rmSync(path.join(REPO, '.training', id), { recursive: true, force: true });
    const missing = spawnSync(process.execPath, [TOOL, 'check', id], { cwd: REPO, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`npm run training -- start ${id}`);
    expect(spawnSync(process.execPath, [TOOL, 'start', id], { cwd: REPO, encoding: 'utf8' }).status).toBe(0);
    expect(fs.readFileSync(path.join(REPO, '.training', id, 'TASK.md'), 'utf8')).toContain('docs/disaster_recovery/procedures.md');
    const failed = spawnSync(process.execPath, [TOOL, 'check', id], { cwd: REPO, encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^FAIL ops-corrupted-restore/);
    expect(failed.stdout).toContain('Hints:');
    fs.rmSync(path.join(REPO, '.training', id), { recursive: true, force: true });
  });
});

/** The one option whose hash matches: found by trying each, as nobody can read it from the file. */
function correctOption(q: ChoiceQuestion): string[] {
  return Object.keys(q.options).filter((k) => answerHash(q.salt, k) === q.answerHash);
}

function perfectAnswers(a: Assessment): Record<string, string> {
  return Object.fromEntries(a.questions.map((q) => [q.id, q.type === 'choice' ? correctOption(q)[0] : String(computedAnswer(q))]));
}

describe.each(ROLES)('assessment: %s', (role) => {
  const assessment = loadAssessment(role);

  test('at least five questions, a pass mark, no answer key in plain text, exactly one right option per choice', () => {
    expect(assessment.questions.length).toBeGreaterThanOrEqual(5);
    expect(assessment.passMark).toBeGreaterThan(0.5);
    const raw = fs.readFileSync(path.join(REPO, 'training', 'assessments', `${role}.json`), 'utf8');
    expect(raw).not.toMatch(/"(answer|correct)"\s*:/);
    for (const q of assessment.questions) {
      expect(q.explanation.length).toBeGreaterThan(20);
      if (q.type === 'choice') expect([q.id, correctOption(q).length]).toEqual([q.id, 1]);
    }
  });

  test('all right passes, all wrong fails, one short of the mark fails', () => {
    const perfect = perfectAnswers(assessment);
    expect(gradeAll(assessment, perfect)).toMatchObject({ passed: true, score: assessment.questions.length });
    expect(gradeAll(assessment, {}).passed).toBe(false);
    const wrong = Object.fromEntries(
      assessment.questions.map((q) => [
        q.id,
        q.type === 'choice' ? Object.keys(q.options).find((k) => !correctOption(q).includes(k))! : '-1',
      ]),
    );
    expect(gradeAll(assessment, wrong).score).toBe(0);
    // The fewest wrong answers that fail: one fewer still passes.
    const n = assessment.questions.length;
    const misses = n - Math.ceil(assessment.passMark * n - 1e-9) + 1;
    const withMisses = (k: number) => ({ ...perfect, ...Object.fromEntries(Object.entries(wrong).slice(0, k)) });
    expect(gradeAll(assessment, withMisses(misses)).passed).toBe(false);
    expect(gradeAll(assessment, withMisses(misses - 1)).passed).toBe(true);
  });
});

test('computed answers agree with the arithmetic the questions explain', () => {
  const answers = (role: string) => {
    const a = loadAssessment(role);
    return Object.fromEntries(a.questions.filter((q) => q.type === 'computed').map((q) => [q.id, computedAnswer(q as never)]));
  };
  expect(answers('operations')).toEqual({ 'ops-burn-1h': 14.4, 'ops-burn-6h-28d': 0.028, 'ops-exhaustion': 720 });
  expect(answers('product')).toEqual({ 'po-srm-yes': 'yes', 'po-srm-no': 'no', 'po-rice': 900 });
  expect(answers('support')).toEqual({ 'sup-normalized': 0.75 });
});

test('assess --answers: the CLI scores a file and exits 0 on a pass, 1 otherwise', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assess-'));
  const assessment = loadAssessment('operations');
  const file = path.join(dir, 'answers.json');
  fs.writeFileSync(file, JSON.stringify(perfectAnswers(assessment)));
  const pass = spawnSync(process.execPath, [TOOL, 'assess', 'operations', '--answers', file], { cwd: REPO, encoding: 'utf8' });
  expect(pass.status).toBe(0);
  expect(pass.stdout).toContain(`Score ${assessment.questions.length}/${assessment.questions.length}`);
  fs.writeFileSync(file, JSON.stringify({ 'ops-burn-1h': '6' }));
  const fail = spawnSync(process.execPath, [TOOL, 'assess', 'operations', '--answers', file], { cwd: REPO, encoding: 'utf8' });
  expect(fail.status).toBe(1);
  expect(fail.stdout).toContain('NOT PASSED');
  expect(fail.stdout).toContain('0.02 × 720 h / 1 h = 14.4');
  fs.rmSync(dir, { recursive: true, force: true });
});
