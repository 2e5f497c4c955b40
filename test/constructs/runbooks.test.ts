import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_RUNBOOK_BASE_URL, Runbooks } from '../../constructs/core/runbooks';
import { DEV_PROPS, platformStack } from '../helpers/synth';
import { PlatformStack } from '../../constructs/core/platform-stack';

describe('Runbooks.url', () => {
  test('defaults to the library repository and names the file', () => {
    const scope = new Construct(platformStack(), 'c');
    expect(Runbooks.url(scope, 'slo-burn-rate')).toBe(`${DEFAULT_RUNBOOK_BASE_URL}/slo-burn-rate.md`);
  });

  test("uses the stack's runbookBaseUrl, without doubling slashes", () => {
    const stack = new PlatformStack(Testing.app(), 's', { ...DEV_PROPS, runbookBaseUrl: 'https://wiki.acme.dev/runbooks/' });
    expect(Runbooks.url(stack, 'db-failover')).toBe('https://wiki.acme.dev/runbooks/db-failover.md');
  });

  test('rejects names that are not kebab-case file names', () => {
    expect(() => Runbooks.url(platformStack(), 'Slo Burn.md')).toThrow(/kebab-case/);
  });
});
