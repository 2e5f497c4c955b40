import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareOutputs, diffJson, providerAddress } from '../../tools/cdktn-build/compare-synth';

const stack = (version: string, location = 'US', source = version === '0.21.0' ? 'google' : 'hashicorp/google') => ({
  '//': { metadata: { backend: 'local', stackName: 'dev', version }, outputs: {} },
  terraform: { required_providers: { google: { source, version: '6.50.0' } } },
  resource: { google_storage_bucket: { logs: { location, name: 'logs' } } },
});

describe('the equal-JSON check between the two builds', () => {
  it('ignores only the documented differences', () => {
    expect(diffJson(stack('0.21.0'), stack('0.24.0'))).toEqual([]);
  });

  it('accepts a different provider source only when Terraform reads the same provider address', () => {
    expect(providerAddress('google')).toBe('registry.terraform.io/hashicorp/google');
    expect(providerAddress('hashicorp/google')).toBe('registry.terraform.io/hashicorp/google');
    expect(diffJson(stack('0.21.0'), stack('0.24.0', 'US', 'registry.terraform.io/hashicorp/google'))).toEqual([]);
    expect(diffJson(stack('0.21.0'), stack('0.24.0', 'US', 'acme/google'))).toEqual(['terraform.required_providers.google.source']);
  });

  it('reports a changed attribute, a missing key and an added key by path', () => {
    expect(diffJson(stack('0.21.0'), stack('0.21.0', 'EU'))).toEqual(['resource.google_storage_bucket.logs.location']);
    const b = stack('0.21.0') as Record<string, any>;
    delete b.resource.google_storage_bucket.logs.name;
    b.resource.google_storage_bucket.logs.labels = {};
    expect(diffJson(stack('0.21.0'), b)).toEqual([
      '-resource.google_storage_bucket.logs.name',
      '+resource.google_storage_bucket.logs.labels',
    ]);
    expect(diffJson({ a: [1, 2] }, { a: [2, 1] })).toEqual(['a.0', 'a.1']);
  });

  it('compares synth outputs stack by stack, including a stack only one side has', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'convai-compare-'));
    const write = (out: string, name: string, json: unknown) => {
      fs.mkdirSync(path.join(root, out, 'stacks', name), { recursive: true });
      fs.writeFileSync(path.join(root, out, 'stacks', name, 'cdk.tf.json'), JSON.stringify(json));
    };
    try {
      write('a', 'dev', stack('0.21.0'));
      write('b', 'dev', stack('0.24.0'));
      expect(compareOutputs(path.join(root, 'a'), path.join(root, 'b'))).toEqual([]);
      write('a', 'prod', stack('0.21.0', 'EU'));
      write('b', 'prod', stack('0.24.0'));
      write('b', 'extra', stack('0.24.0'));
      expect(compareOutputs(path.join(root, 'a'), path.join(root, 'b'))).toEqual([
        { stack: 'prod', paths: ['resource.google_storage_bucket.logs.location'] },
        { stack: 'extra', paths: ['(only in the CDK Terrain output)'] },
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
