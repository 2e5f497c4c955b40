import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mapModule, mapSource } from '../../tools/cdktn-build/import-mapping';
import { writeMappedSource } from '../../tools/cdktn-build/library-build';

const REPO = path.join(__dirname, '..', '..');

describe('the import mapping from the cdktf source to the CDK Terrain build', () => {
  it('maps cdktf to cdktn and the provider deep imports to our bindings, and leaves everything else', () => {
    expect(mapModule('cdktf')).toBe('cdktn');
    expect(mapModule('cdktf/lib/terraform-stack')).toBe('cdktn/lib/terraform-stack');
    expect(mapModule('@cdktf/provider-google/lib/cloud-run-v2-service')).toBe('@convai-platform/provider-google/lib/cloud-run-v2-service');
    expect(mapModule('@cdktf/provider-kubernetes/lib/deployment-v1')).toBe('@convai-platform/provider-kubernetes/lib/deployment-v1');
    expect(mapModule('constructs')).toBeUndefined();
    expect(mapModule('./platform-stack')).toBeUndefined();
    expect(mapModule('cdktf-local-thing')).toBeUndefined();
  });

  it('refuses a provider barrel import or an unknown @cdktf package, naming the fix', () => {
    expect(() => mapModule('@cdktf/provider-google')).toThrow(/deep path .*decision 0010/);
    expect(() => mapModule('@cdktf/provider-aws/lib/s3-bucket')).toThrow(/no CDK Terrain mapping/);
    expect(() => mapSource("import { Vpc } from '@cdktf/provider-google';\n", 'constructs/x.ts')).toThrow(
      /^constructs\/x\.ts: import '@cdktf\/provider-google'/,
    );
  });

  it('rewrites every import form in a file and nothing that is not a module specifier', () => {
    const source = [
      "import { App, Testing } from 'cdktf';",
      "import { Construct } from 'constructs';",
      "import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';",
      'export * from "@cdktf/provider-kubernetes/lib/namespace-v1";',
      "const lazy = require('cdktf');",
      "const label = { 'managed-by': 'cdktf' };",
      '',
    ].join('\n');
    expect(mapSource(source, 'x.ts')).toBe(
      [
        "import { App, Testing } from 'cdktn';",
        "import { Construct } from 'constructs';",
        "import { StorageBucket } from '@convai-platform/provider-google/lib/storage-bucket';",
        'export * from "@convai-platform/provider-kubernetes/lib/namespace-v1";',
        "const lazy = require('cdktn');",
        "const label = { 'managed-by': 'cdktf' };",
        '',
      ].join('\n'),
    );
  });

  it('maps every file of the library, and leaves no cdktf import behind', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-cdktn-src-'));
    try {
      const count = writeMappedSource(path.join(REPO, 'constructs'), out);
      expect(count).toBeGreaterThan(50);
      const left: string[] = [];
      const walk = (dir: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (/from '(cdktf|@cdktf\/)/.test(fs.readFileSync(p, 'utf8'))) left.push(p);
        }
      };
      walk(out);
      expect(left).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('agrees with the module name mappings the cdktn tests run under', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require('../../builds/cdktn/jest.config.js') as { moduleNameMapper: Record<string, string> };
    const specifiers = ['cdktf', '@cdktf/provider-google/lib/storage-bucket', '@cdktf/provider-kubernetes/lib/deployment-v1'];
    for (const spec of specifiers) {
      const hit = Object.entries(config.moduleNameMapper).find(([re]) => new RegExp(re).test(spec));
      expect(hit).toBeDefined();
      const target = spec.replace(new RegExp(hit![0]), hit![1]);
      expect(target.endsWith(path.join('node_modules', ...mapModule(spec)!.split('/')))).toBe(true);
    }
  });
});
