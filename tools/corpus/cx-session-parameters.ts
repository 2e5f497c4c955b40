/** Session parameters as Dialogflow CX carries them from one turn to the next. */
export type Parameters = Record<string, unknown>;

/** The session parameters after a reply, as CX would carry them into the next request (null deletes). */
export function mergeReplyParameters(previous: Parameters, replyBody: string): Parameters {
  let reply: { sessionInfo?: { parameters?: Parameters } };
  try {
    reply = JSON.parse(replyBody);
  } catch {
    return previous;
  }
  const updates = reply?.sessionInfo?.parameters;
  if (!updates || typeof updates !== 'object') return previous;
  const next: Parameters = { ...previous };
  for (const [k, v] of Object.entries(updates)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
