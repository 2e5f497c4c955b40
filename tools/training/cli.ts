import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { gradeAll, loadAssessment } from './assessment';
import { CheckResult, Exercise, REPO_ROOT, ROLES, WORKSPACES } from './exercise';
import { EXERCISES, exerciseById } from './exercises';

const USAGE = `npm run training -- <command>

  list                      every exercise, by role
  start <exercise>          create the scratch workspace .training/<exercise>/ (replaces an old one)
  check <exercise>          check your work there: pass or fail, with hints (exit 1 on fail)
  solve <exercise>          apply the reference solution to the workspace (instructors; spoils it)
  verify --all | <ex>...    for each exercise: its checker fails on the starting state and passes
                            on the reference solution (CI runs this in npm test)
  assess <role> [--answers <file.json>]
                            the graded knowledge check of a role (${ROLES.join(', ')}); interactive,
                            or non-interactive with a JSON object of answers by question id`;

function workspace(id: string): string {
  return path.join(WORKSPACES, id);
}

async function start(ex: Exercise, dir: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await ex.start(dir);
  const rel = path.relative(REPO_ROOT, dir);
  const docs = ex.docs.map((d) => `- [${d}](${path.relative(dir, path.join(REPO_ROOT, d))})`).join('\n');
  fs.writeFileSync(
    path.join(dir, 'TASK.md'),
    `# ${ex.title}\n\n${ex.task}\n\nRead:\n\n${docs}\n\nWhen done: \`npm run training -- check ${ex.id}\`. Start over: \`npm run training -- start ${ex.id}\` (replaces ${rel}/).\n`,
  );
}

function print(ex: Exercise, r: CheckResult): void {
  console.log(`${r.passed ? 'PASS' : 'FAIL'} ${ex.id}: ${ex.title}`);
  for (const p of r.problems) console.log(`  - ${p}`);
  if (r.hints.length > 0) console.log('Hints:');
  for (const h of r.hints) console.log(`  * ${h}`);
  if (!r.passed) console.log(`Pages: ${ex.docs.join(', ')}`);
}

async function checkSafely(ex: Exercise, dir: string): Promise<CheckResult> {
  try {
    return await ex.check(dir);
  } catch (error) {
    return { passed: false, problems: [`the checker could not run: ${(error as Error).message}`], hints: [] };
  }
}

/** Fails on the untouched start, passes on the reference solution: one line per exercise. */
async function verify(exercises: readonly Exercise[]): Promise<boolean> {
  let ok = true;
  for (const ex of exercises) {
    const t0 = performance.now();
    const dir = path.join(WORKSPACES, `verify--${ex.id}`);
    await start(ex, dir);
    const before = await checkSafely(ex, dir);
    await ex.solve(dir);
    const after = await checkSafely(ex, dir);
    const good = !before.passed && before.problems.length > 0 && after.passed;
    ok &&= good;
    const ms = Math.round(performance.now() - t0);
    console.log(
      `${good ? 'ok  ' : 'BAD '} ${ex.id} (${ms} ms): start ${before.passed ? 'PASSES (the checker checks nothing)' : `fails (${before.problems.length} problems)`}, solution ${after.passed ? 'passes' : `FAILS: ${after.problems.join('; ')}`}`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(__dirname, '..', '..', '.training', `verify--${ex.id}`), { recursive: true, force: true });
  }
  return ok;
}

async function assess(role: string, answersFile?: string): Promise<boolean> {
  const assessment = loadAssessment(role);
  let answers: Record<string, unknown> = {};
  if (answersFile) answers = JSON.parse(fs.readFileSync(answersFile, 'utf8'));
  else {
    // A terminal gets prompts; piped input (one answer per line) is read up front, because readline
    // drops lines that arrive before their question is asked.
    const piped = process.stdin.isTTY ? undefined : fs.readFileSync(0, 'utf8').split('\n');
    const rl = piped ? undefined : createInterface({ input: process.stdin, output: process.stdout });
    const ask = async (prompt: string): Promise<string> => {
      if (rl) return rl.question(prompt);
      const line = piped!.shift() ?? '';
      console.log(`${prompt}${line}`);
      return line;
    };
    console.log(`${assessment.title}: ${assessment.questions.length} questions, pass mark ${Math.round(assessment.passMark * 100)}%.\n`);
    for (const [i, q] of assessment.questions.entries()) {
      console.log(`${i + 1}. ${q.prompt}`);
      if (q.type === 'choice') for (const [k, v] of Object.entries(q.options)) console.log(`   ${k}) ${v}`);
      answers[q.id] = await ask(q.type === 'choice' ? 'Your choice: ' : 'Your answer: ');
      console.log('');
    }
    rl?.close();
  }
  const r = gradeAll(assessment, answers);
  for (const g of r.graded) console.log(`${g.correct ? 'right' : 'wrong'} ${g.id} (you said ${g.given || 'nothing'}): ${g.explanation}`);
  console.log(
    `\nScore ${r.score}/${r.total} (${Math.round((100 * r.score) / r.total)}%), pass mark ${Math.round(assessment.passMark * 100)}%: ${r.passed ? 'PASSED' : 'NOT PASSED'}`,
  );
  return r.passed;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean' }, answers: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case 'list':
      for (const role of ROLES) {
        console.log(`${role}:`);
        for (const ex of EXERCISES.filter((e) => e.role === role)) console.log(`  ${ex.id.padEnd(28)} ${ex.title}`);
      }
      return 0;
    case 'start': {
      const ex = exerciseById(rest[0] ?? '');
      await start(ex, workspace(ex.id));
      console.log(
        `Workspace ready: ${path.relative(REPO_ROOT, workspace(ex.id))}/ (read TASK.md there).\n\n${ex.task}\n\nThen: npm run training -- check ${ex.id}`,
      );
      return 0;
    }
    case 'check': {
      const ex = exerciseById(rest[0] ?? '');
      if (!fs.existsSync(workspace(ex.id))) throw new Error(`no workspace for ${ex.id}: run npm run training -- start ${ex.id} first`);
      const r = await checkSafely(ex, workspace(ex.id));
      print(ex, r);
      return r.passed ? 0 : 1;
    }
    case 'solve': {
      const ex = exerciseById(rest[0] ?? '');
      if (!fs.existsSync(workspace(ex.id))) await start(ex, workspace(ex.id));
      await ex.solve(workspace(ex.id));
      console.log(`Reference solution applied in ${path.relative(REPO_ROOT, workspace(ex.id))}/`);
      return 0;
    }
    case 'verify': {
      const list = values.all ? EXERCISES : rest.map(exerciseById);
      if (list.length === 0) throw new Error('verify needs --all or exercise ids');
      return (await verify(list)) ? 0 : 1;
    }
    case 'assess':
      return (await assess(rest[0] ?? '', values.answers)) ? 0 : 1;
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`training: ${(error as Error).message}`);
    process.exit(2);
  },
);
