/** The recorded walkthroughs: what each shows, the script recorded, and what it needs to run. */
export interface Walkthrough {
  /** File names: docs/walkthroughs/<name>.md and docs/walkthroughs/casts/<name>.cast. */
  readonly name: string;
  readonly title: string;
  /** What the reader learns, for the page. */
  readonly intro: string;
  /** The bash script recorded, repository-relative. */
  readonly script: string;
  /** An npm script that must exist; without it the walkthrough is skipped and its page says so. */
  readonly requiresNpmScript?: string;
  /** Recording is stopped, and fails, after this long. */
  readonly timeoutMinutes: number;
  /** Cheap enough (under a minute or so) to re-record on every CI run. */
  readonly inCi: boolean;
  readonly order: number;
}

export const WALKTHROUGHS: readonly Walkthrough[] = [
  {
    name: 'main-job',
    title: 'The main job: synth, policy gate, terraform validate',
    intro:
      'The README’s main job on the reference platform: `cdktf synth` of every stack, the policy gate (checkov with our ' +
      'pack) and `terraform validate` with the real providers. Pauses while tools work are shortened in the recording.',
    script: 'tools/docs-site/record/scripts/main-job.sh',
    timeoutMinutes: 20,
    inCi: false,
    order: 1,
  },
  {
    name: 'policy-failure',
    title: 'Reading a policy failure',
    intro:
      'The gate run on a stack whose production Cloud Run service may scale to zero (CKV_CONVAI_2’s failing fixture): ' +
      'how a failure names the check, the resource and the fix, and where the summary report is. The fix in your own ' +
      'code is the default `minInstances`, or a reasoned `PolicySuppressions.add(...)`.',
    script: 'tools/docs-site/record/scripts/policy-failure.sh',
    timeoutMinutes: 5,
    inCi: true,
    order: 2,
  },
  {
    name: 'runtime-turn',
    title: 'Running the runtime and sending a turn',
    intro:
      'The webhook runtime on its embedded defaults, one Dialogflow CX turn sent with curl, the session parameters in ' +
      'the reply, the metrics it counted and the structured `webhook.turn` event it logged.',
    script: 'tools/docs-site/record/scripts/runtime-turn.sh',
    timeoutMinutes: 5,
    inCi: true,
    order: 3,
  },
  {
    name: 'dr-drill',
    title: 'The disaster-recovery drill',
    intro: 'The DR drill (`npm run dr:drill`): restoring a backup and failing over, timed against the objectives.',
    script: 'tools/docs-site/record/scripts/dr-drill.sh',
    requiresNpmScript: 'dr:drill',
    timeoutMinutes: 15,
    inCi: true,
    order: 4,
  },
  {
    name: 'training-exercise',
    title: 'A training exercise: start, check, fix, check',
    intro:
      'How every hands-on exercise works (`npm run training`): a scratch workspace with a production stack the policy ' +
      'gate refuses, the checker synthesizing it and naming each violation with hints, the fix, and the pass. ' +
      'Knowledge-transfer session 1 demonstrates it live.',
    script: 'tools/docs-site/record/scripts/training-exercise.sh',
    requiresNpmScript: 'training',
    timeoutMinutes: 5,
    inCi: true,
    order: 5,
  },
  {
    name: 'incident-triage',
    title: 'Triage an alert storm with the incident replay',
    intro:
      'The training scenario of six alerts replayed through the incident responder: which alerts it groups into ' +
      'incidents, which it inhibits as explained by another, and the triage the `ops-incident-triage` exercise ' +
      'checks. Knowledge-transfer session 2 demonstrates it live.',
    script: 'tools/docs-site/record/scripts/incident-triage.sh',
    requiresNpmScript: 'training',
    timeoutMinutes: 5,
    inCi: true,
    order: 6,
  },
];
