/** Parts of Dialogflow resource names the runtime groups by. */

/** The agent environment in a session name (`.../environments/<env>/sessions/<id>`); `draft` when none. */
export function environmentOf(session: string): string {
  return /\/environments\/([^/]+)\/sessions\//.exec(session)?.[1] ?? 'draft';
}

/** The CX flow id in a page name (`.../flows/<flow>/pages/<page>`). */
export function flowOf(pageName: string | undefined): string | undefined {
  return pageName ? /\/flows\/([^/]+)\//.exec(pageName)?.[1] : undefined;
}
