import { DimensionQuality, FeedbackStats } from '../improvement/analysis';
import { AnalyticsData } from './collect';
import { count, csat, excerpt, label, percent, score } from './format';
import { Column, renderTable } from './table';

/** One section of the page: a chart (when it has data) and the tables with its numbers. */
export interface Section {
  readonly id: string;
  readonly title: string;
  /** What is counted, in words (plain text). */
  readonly description: string;
  /** Table HTML, already escaped by renderTable. */
  readonly tables: string;
}

const FEEDBACK_COLUMNS = (first: string): Column[] => [
  { header: first },
  { header: 'Feedback', numeric: true },
  { header: 'Thumbs-up share', numeric: true },
  { header: 'Mean CSAT (1-5)', numeric: true },
  { header: 'Mean score (0-1)', numeric: true },
  { header: 'Negative', numeric: true },
];
const feedbackCells = (r: FeedbackStats, name: string): string[] => [
  name,
  count(r.count),
  percent(r.thumbsUpShare),
  csat(r.meanCsat),
  score(r.meanNormalizedScore),
  count(r.negativeCount),
];

const QUALITY_COLUMNS = (first: string): Column[] => [
  { header: first },
  { header: 'Turns', numeric: true },
  { header: 'Conversations', numeric: true },
  { header: 'Mean turn quality', numeric: true },
  { header: 'Mean conversation quality', numeric: true },
  { header: 'No-match share', numeric: true },
];
const qualityCells = (r: DimensionQuality, none: string): string[] => [
  label(r.key, none),
  count(r.turns),
  count(r.conversations),
  score(r.meanTurnQuality),
  score(r.meanConversationQuality),
  percent(r.noMatchShare),
];

export function sections(d: AnalyticsData): Section[] {
  const unit = d.trend.bucket === 'week' ? 'Week of' : 'Day';
  const points = d.trend.points;
  return [
    {
      id: 'quality-trend',
      title: 'Quality trend',
      description: `Per ${d.trend.bucket} (UTC): conversations started and their mean quality score and share escalated to a human; turns answered and the share that matched no intent.`,
      tables: renderTable(
        'Quality per ' + d.trend.bucket,
        [
          { header: unit },
          { header: 'Turns', numeric: true },
          { header: 'Conversations', numeric: true },
          { header: 'Mean quality', numeric: true },
          { header: 'No-match rate', numeric: true },
          { header: 'Escalation rate', numeric: true },
        ],
        points.map((p) => [
          p.start,
          count(p.turns),
          count(p.conversations),
          score(p.meanQuality),
          percent(p.noMatchRate),
          percent(p.escalationRate),
        ]),
      ),
    },
    {
      id: 'feedback-trend',
      title: 'Feedback trend',
      description: `Per ${d.trend.bucket} (UTC): feedback received (thumbs and CSAT) and its mean score on the common 0-1 scale (thumbs-down 0, up 1; CSAT 1-5 as 0-1).`,
      tables: renderTable(
        'Feedback per ' + d.trend.bucket,
        [{ header: unit }, { header: 'Feedback', numeric: true }, { header: 'Mean score (0-1)', numeric: true }],
        points.map((p) => [p.start, count(p.feedback), score(p.meanFeedbackScore)]),
      ),
    },
    {
      id: 'feedback-by-intent',
      title: 'Feedback by intent, worst first',
      description:
        'Feedback on a turn is attributed to the intent, page, tag and language of that turn; feedback on a whole conversation to its last intent and page, its first tag and its language. Sorted by mean score, lowest first.',
      tables: [
        renderTable(
          'Feedback by intent',
          FEEDBACK_COLUMNS('Intent'),
          d.feedbackBy.intent.map((r) => feedbackCells(r, label(r.key, '(no intent)'))),
        ),
        renderTable(
          'Feedback by page',
          FEEDBACK_COLUMNS('Page'),
          d.feedbackBy.page.map((r) => feedbackCells(r, label(r.key, '(no page)'))),
        ),
        renderTable(
          'Feedback by tag',
          FEEDBACK_COLUMNS('Tag'),
          d.feedbackBy.tag.map((r) => feedbackCells(r, label(r.key, '(no tag)'))),
        ),
        renderTable(
          'Feedback by language',
          FEEDBACK_COLUMNS('Language'),
          d.feedbackBy.language.map((r) => feedbackCells(r, label(r.key, '(unknown)'))),
        ),
      ].join('\n'),
    },
    {
      id: 'negative-themes',
      title: 'Themes in negative comments',
      description: `Entities Natural Language found in the redacted comments of negative feedback (score below 0.5) — ${count(d.negativeThemes.negativeComments)} negative comment(s) in the period. Each comment counts once per entity; the example is the latest such comment.`,
      tables: renderTable(
        'Themes in negative comments',
        [
          { header: 'Theme' },
          { header: 'Comments', numeric: true },
          { header: 'Share of negative comments', numeric: true },
          { header: 'Latest example (redacted)' },
        ],
        d.negativeThemes.themes.map((t) => [t.entity, count(t.comments), percent(t.share), excerpt(t.example)]),
      ),
    },
    {
      id: 'quality-by-page',
      title: 'Quality by page and intent',
      description:
        'Turns answered in the period grouped by page (and below, by intent): their mean per-turn quality, the mean quality of the conversations they belong to, and the share that matched no intent. Busiest first.',
      tables: [
        renderTable(
          'Quality by page',
          QUALITY_COLUMNS('Page'),
          d.qualityByPage.map((r) => qualityCells(r, '(no page)')),
        ),
        renderTable(
          'Quality by intent',
          QUALITY_COLUMNS('Intent'),
          d.qualityByIntent.map((r) => qualityCells(r, '(no intent)')),
        ),
      ].join('\n'),
    },
    {
      id: 'experiment-variants',
      title: 'Experiment variants',
      description:
        'Sessions first exposed to each experiment in the period, per variant, with the mean quality and escalation rate of their conversations, and the feedback given in each variant. Descriptive only: see the experiments report for significance.',
      tables: [
        renderTable(
          'Exposures per variant',
          [
            { header: 'Experiment: variant' },
            { header: 'Exposed sessions', numeric: true },
            { header: 'Conversations', numeric: true },
            { header: 'Mean quality', numeric: true },
            { header: 'Escalation rate', numeric: true },
          ],
          d.exposures.map((e) => [
            `${e.experiment}: ${e.variant}`,
            count(e.exposures),
            count(e.conversations),
            score(e.meanQuality),
            percent(e.escalationRate),
          ]),
        ),
        renderTable(
          'Feedback per variant',
          FEEDBACK_COLUMNS('Experiment: variant'),
          d.feedbackByVariant.map((r) => feedbackCells(r, `${r.experiment}: ${r.variant}`)),
        ),
      ].join('\n'),
    },
  ];
}
