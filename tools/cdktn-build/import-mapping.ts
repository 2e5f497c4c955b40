import { PROVIDERS } from './config';

/**
 * The import mapping that turns the library's source (written against cdktf 0.21 and the prebuilt
 * @cdktf/provider-* bindings) into the CDK Terrain build's source. Only module specifiers change:
 * cdktn exports every name the library uses under the same name, and our binding packages keep the
 * prebuilt packages' lib/<resource> layout. Anything the mapping does not know fails the build, so a
 * new import cannot slip into the CDK Terrain build unmapped.
 */
export interface ModuleMapping {
  readonly from: RegExp;
  readonly to: (match: RegExpMatchArray) => string;
}

export const MODULE_MAPPINGS: readonly ModuleMapping[] = [
  { from: /^cdktf$/, to: () => 'cdktn' },
  { from: /^cdktf\/(.+)$/, to: (m) => `cdktn/${m[1]}` },
  ...PROVIDERS.map((p) => ({
    from: new RegExp(`^${p.cdktfPackage.replace(/[/.-]/g, '\\$&')}/lib/(.+)$`),
    to: (m: RegExpMatchArray) => `${p.npmName}/lib/${m[1]}`,
  })),
];

/** Map one module specifier; undefined when it needs no mapping. Throws on one it cannot map. */
export function mapModule(specifier: string): string | undefined {
  for (const { from, to } of MODULE_MAPPINGS) {
    const m = specifier.match(from);
    if (m) return to(m);
  }
  if (/^(cdktf(\/|$)|@cdktf\/)/.test(specifier)) {
    throw new Error(
      `import '${specifier}' has no CDK Terrain mapping: import provider classes from their deep path ` +
        `(@cdktf/provider-google/lib/<resource>, decision 0010), or add a mapping in tools/cdktn-build/import-mapping.ts`,
    );
  }
  return undefined;
}

/** `from '...'`, `import '...'`, `require('...')` and `import('...')` specifiers. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\2/g;

/** Rewrite every module specifier in one TypeScript source file. `file` only names it in errors. */
export function mapSource(source: string, file: string): string {
  return source.replace(SPECIFIER, (whole, lead: string, quote: string, spec: string) => {
    let mapped: string | undefined;
    try {
      mapped = mapModule(spec);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    return mapped === undefined ? whole : `${lead}${quote}${mapped}${quote}`;
  });
}
