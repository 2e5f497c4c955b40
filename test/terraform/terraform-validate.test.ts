/**
 * The Terraform tier must be able to fail: each class of defect it exists to catch, in a minimal
 * configuration, is reported with its address.
 */
import { formatResult, validateConfigurations, type ValidationResult } from '../../tools/terraform-validate/terraform-validate';

const GOOGLE = {
  terraform: { required_providers: { google: { source: 'google', version: '6.50.0' } } },
  provider: { google: [{ project: 'p' }] },
};

function withResources(resource: Record<string, unknown>): Record<string, unknown> {
  return { ...GOOGLE, resource };
}

let results: Record<string, ValidationResult>;

beforeAll(async () => {
  const configs = {
    valid: withResources({ google_pubsub_topic: { ok: { name: 'ok', labels: { env: 'dev' } } } }),
    // A Monitoring legend template written as `${...}`: Terraform reads it as a reference.
    interpolation: withResources({ google_pubsub_topic: { t: { name: 't', labels: { legend: '${metric.labels.kind}' } } } }),
    // depends_on as an interpolation string, the form cdktf writes for `fqn`.
    dependsOn: withResources({
      google_pubsub_topic: { a: { name: 'a' }, b: { name: 'b', depends_on: ['${google_pubsub_topic.a}'] } },
    }),
    // A value the provider's validator refuses.
    enumValue: withResources({ google_compute_ssl_policy: { p: { name: 'p', profile: 'MODERN', min_tls_version: 'TLS_1_3' } } }),
    // A deprecated argument: a warning, which the tier counts as a failure.
    deprecated: withResources({
      google_backup_dr_backup_vault: {
        v: { location: 'us-central1', backup_vault_id: 'v', backup_minimum_enforced_retention_duration: '86400s', force_delete: true },
      },
    }),
  };
  const list = await validateConfigurations(Object.entries(configs).map(([name, doc]) => ({ name, files: { 'cdk.tf.json': doc } })));
  results = Object.fromEntries(list.map((r) => [r.name, r]));
}, 5 * 60_000);

test('a valid configuration has no diagnostics', () => {
  expect(formatResult(results.valid)).toBe('valid: 0 error(s), 0 warning(s)');
});

test.each([
  ['interpolation', /Reference to undeclared resource/],
  ['dependsOn', /single static variable reference is required/],
  ['enumValue', /expected min_tls_version to be one of/],
])('%s is an error', (name, message) => {
  expect(results[name].errors).toBeGreaterThan(0);
  expect(formatResult(results[name])).toMatch(message);
});

test('a deprecated argument is reported as a warning with its address', () => {
  expect(results.deprecated.errors).toBe(0);
  expect(results.deprecated.warnings).toBe(1);
  expect(formatResult(results.deprecated)).toMatch(/warning google_backup_dr_backup_vault\.v: Argument is deprecated/);
});
