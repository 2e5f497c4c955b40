/**
 * Heading anchors as GitHub makes them, so a `#fragment` written for the repository's Markdown
 * works in the site too (VitePress's own slugs differ: `## 1. Restore` is `_1-restore` there and
 * `1-restore` on GitHub). Lower case; punctuation dropped except `-` and `_`; each space becomes a
 * hyphen (not collapsed). Duplicate headings get `-1`, `-2` from the anchor plugin, as on GitHub.
 */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
