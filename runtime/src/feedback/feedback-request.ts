import { createHash } from 'node:crypto';
import { z } from 'zod';
import { unstorableCharacter } from '../storage/storable-text';

/**
 * A string field Postgres can store. A NUL or an unpaired surrogate is refused with 400 naming
 * the character rather than silently changed: this is our own API, and the client can fix it.
 */
const storableString = (schema: z.ZodString) =>
  schema.superRefine((value, ctx) => {
    const character = unstorableCharacter(value);
    if (character) ctx.addIssue({ code: 'custom', message: `contains ${character}, which cannot be stored: remove it` });
  });

/**
 * The body of `POST /feedback`: one rating of one turn (`responseId`) or of the whole
 * conversation (no `responseId`), from the chat widget, the IVR survey or the agent desktop.
 * Unknown fields are ignored (clients evolve); everything known is checked.
 */
export const feedbackRequestSchema = z
  .object({
    /** The Dialogflow session, as the webhook sees it: `projects/.../sessions/<id>`. */
    session: storableString(z.string().min(1).max(500)),
    /** `detectIntentResponseId` (CX) / `responseId` (ES) of the rated turn; absent rates the conversation. */
    responseId: storableString(z.string().min(1).max(200)).optional(),
    /** Client-chosen id; retries with the same id are stored once. @default one rating per turn (or conversation) and kind */
    feedbackId: z
      .string()
      .regex(/^[\w.:-]{1,128}$/, '1-128 letters, digits, "_", ".", ":" or "-"')
      .optional(),
    languageCode: storableString(z.string().min(2).max(35)).default('en'),
    /** Free text; redacted before it is analysed, logged or stored. */
    comment: storableString(z.string().max(2_000)).optional(),
  })
  .and(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('thumbs'), value: z.enum(['up', 'down']) }),
      z.object({ kind: z.literal('csat'), value: z.number().int().min(1).max(5) }),
    ]),
  );

export type FeedbackRequest = z.infer<typeof feedbackRequestSchema>;

/** The stored score (thumbs 0/1, CSAT 1..5) and its 0..1 normalization (CSAT 1 → 0, 5 → 1). */
export function scoresOf(request: FeedbackRequest): { score: number; normalized: number } {
  if (request.kind === 'thumbs') {
    const score = request.value === 'up' ? 1 : 0;
    return { score, normalized: score };
  }
  return { score: request.value, normalized: (request.value - 1) / 4 };
}

/**
 * The feedback's primary key. With a client id, that id (namespaced by session). Without one, one
 * rating per turn — or per conversation — and kind: a user who changes thumbs-down to thumbs-up
 * replaces their rating instead of adding a second one, and a retried request stores nothing twice.
 */
export function feedbackIdOf(request: FeedbackRequest): string {
  const natural = request.feedbackId ?? `${request.responseId ?? '(conversation)'}\u0000${request.kind}`;
  return createHash('sha256').update(`${request.session}\u0000${natural}`).digest('base64url');
}
