// js-yaml (a pinned devDependency) ships no types; the docs site reads frontmatter with load() only.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
