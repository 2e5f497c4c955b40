import * as fs from 'node:fs';
import * as path from 'node:path';
import { openReportDatabase } from '../improvement/shard-union';
import { chartLibrarySource } from './chart-library';
import { AnalyticsData, collectAnalytics } from './collect';
import { AnalyticsOptions } from './options';
import { renderAnalyticsHtml } from './page';

export const REPORT_FILE = 'analytics.html';

/** Read the period from Postgres and write `analytics.html` to `outDir`. */
export async function runAnalyticsReport(o: AnalyticsOptions): Promise<{ file: string; data: AnalyticsData }> {
  // Read the library first: a broken install fails before touching the database.
  const library = chartLibrarySource();
  // One connection (per shard): the queries run in sequence in one transaction anyway.
  const db = openReportDatabase(o.databaseUrls ?? [o.databaseUrl], { period: o.period });
  try {
    const data = await collectAnalytics(db, o.period);
    fs.mkdirSync(o.outDir, { recursive: true });
    const file = path.join(o.outDir, REPORT_FILE);
    fs.writeFileSync(file, renderAnalyticsHtml(data, library));
    return { file, data };
  } finally {
    await db.close();
  }
}
