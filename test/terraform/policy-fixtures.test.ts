/**
 * The policy pack's passing fixtures are what a compliant configuration looks like: they must be
 * Terraform that the real providers accept, or the checks are being judged against shapes no
 * real stack can have (an enum value the provider refuses, a block it requires). Checkov scans the
 * fixtures as one set with references across files, so Terraform validates them as one module too.
 */
import { fixtureFiles } from '../policies/fixture-scan';
import { formatResult, validateConfigurations } from '../../tools/terraform-validate/terraform-validate';

test(
  'every passing policy fixture is valid Terraform for the real providers',
  async () => {
    const passing = fixtureFiles().filter((f) => f.expected === 'pass');
    expect(passing.length).toBeGreaterThan(30);
    // Every fixture carries a provider block and its required_providers; a module declares each once.
    type Doc = { provider?: Record<string, unknown>; terraform?: { required_providers?: Record<string, unknown> } };
    const shared: Required<Doc> = { provider: {}, terraform: { required_providers: {} } };
    const files: Record<string, unknown> = { 'providers.tf.json': shared };
    for (const fixture of passing) {
      const { provider, terraform, ...rest } = fixture.doc as Doc;
      Object.assign(shared.provider, provider);
      Object.assign(shared.terraform.required_providers!, terraform?.required_providers);
      files[`${fixture.checkId}.pass.tf.json`] = rest;
    }
    const [result] = await validateConfigurations([{ name: 'passing policy fixtures', files }]);
    expect(formatResult(result)).toBe('passing policy fixtures: 0 error(s), 0 warning(s)');
  },
  5 * 60_000,
);
