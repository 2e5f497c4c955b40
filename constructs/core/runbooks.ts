import { IConstruct } from 'constructs';
import { PlatformStack } from './platform-stack';

/** Where runbooks live in this repository; one Markdown file per runbook name. */
export const RUNBOOK_DIR = 'docs/monitoring/runbooks';

/** Default base URL of the repository's runbooks, when the stack names none. */
export const DEFAULT_RUNBOOK_BASE_URL = `https://github.com/convai-platform/cdktf-gcp/blob/main/${RUNBOOK_DIR}`;

/**
 * Links from alerts to runbooks. Every alert policy's documentation carries the link returned
 * here, and a test checks that each linked `docs/monitoring/runbooks/<name>.md` exists and that
 * each runbook is linked by some alert.
 */
export class Runbooks {
  /** Where the runbooks are in the repository (the module constant `RUNBOOK_DIR` holds the same, for JavaScript and TypeScript only) */
  public static readonly DIR = RUNBOOK_DIR;
  /** The runbooks' base URL when the PlatformStack sets no `runbookBaseUrl` (the module constant `DEFAULT_RUNBOOK_BASE_URL` holds the same, for JavaScript and TypeScript only) */
  public static readonly DEFAULT_BASE_URL = DEFAULT_RUNBOOK_BASE_URL;
  /**
   * The URL of runbook `name` (file `docs/monitoring/runbooks/<name>.md`), under the enclosing
   * PlatformStack's `runbookBaseUrl` (for teams that host the docs themselves).
   * @param scope any construct; its PlatformStack supplies the base URL
   * @param name the runbook's file name without `.md`, e.g. "slo-burn-rate"
   */
  public static url(scope: IConstruct, name: string): string {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
      throw new Error(`Runbooks.url: runbook name "${name}" must be kebab-case (a-z, 0-9, "-"), the file name without ".md"`);
    }
    const base = PlatformStack.find(scope)?.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL;
    return `${base.replace(/\/+$/, '')}/${name}.md`;
  }

  private constructor() {}
}
