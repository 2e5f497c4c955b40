import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { Aspects, Fn, TerraformStack, TerraformVariable, Testing, dependable } from 'cdktf';
import { TerraformChecks } from '../../constructs/core/terraform-checks';
import { terraformLiteral } from '../../constructs/core/terraform-literal';
import { DEV_PROPS, platformStack, synth } from '../helpers/synth';

/** A plain TerraformStack with the checks, as a user outside PlatformStack adds them. */
function plainStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'plain');
  new GoogleProvider(stack, 'google', { project: 'acme-convai-dev' });
  Aspects.of(stack).add(new TerraformChecks());
  return stack;
}

function bucket(stack: TerraformStack, id = 'bucket'): StorageBucket {
  return new StorageBucket(stack, id, { name: `acme-${id}`, location: 'US' });
}

function dashboard(stack: TerraformStack, legend: string): MonitoringDashboard {
  const json = JSON.stringify({
    displayName: 'd',
    mosaicLayout: {
      columns: 48,
      tiles: [
        {
          width: 16,
          height: 8,
          widget: {
            title: 'by kind',
            xyChart: {
              dataSets: [{ timeSeriesQuery: { timeSeriesFilter: { filter: 'metric.type="x"' } }, legendTemplate: legend }],
            },
          },
        },
      ],
    },
  });
  return new MonitoringDashboard(stack, 'dashboard', { dashboardJson: json });
}

describe('TerraformChecks: literal ${...} in strings', () => {
  test('a Monitoring legend template written as-is fails synth with the construct path, the attribute and the fix', () => {
    const stack = plainStack();
    dashboard(stack, '${metric.labels.kind}');
    expect(() => synth(stack)).toThrow(
      /plain\/dashboard: dashboard_json has "\$\{metric\.labels\.kind\}", which Terraform reads as a reference to resource "metric" "labels", not declared in this stack\. Fix: .*write `\$\$\{`/,
    );
  });

  test('the same stack passes once the legend is escaped with terraformLiteral', () => {
    const stack = plainStack();
    dashboard(stack, terraformLiteral('${metric.labels.experiment}: ${metric.labels.variant}'));
    const json = synth(stack);
    expect(json.resource.google_monitoring_dashboard.dashboard.dashboard_json).toContain(
      '"legendTemplate":"$${metric.labels.experiment}: $${metric.labels.variant}"',
    );
  });

  test('alert documentation variables (${resource.label.x}) fail; references cdktf wrote pass', () => {
    const stack = plainStack();
    const b = bucket(stack);
    const channels = new TerraformVariable(stack, 'channels', { type: 'list(string)' });
    new MonitoringAlertPolicy(stack, 'alert', {
      displayName: 'a',
      combiner: 'OR',
      notificationChannels: channels.listValue,
      conditions: [{ displayName: 'c', conditionAbsent: { filter: 'metric.type="x"', duration: '300s' } }],
      documentation: {
        content: `Bucket ${b.name} (${Fn.upper(b.location)}) in \${resource.label.project_id}`,
        subject: `Stale ${b.name}`,
      },
    });
    expect(() => synth(stack)).toThrow(/plain\/alert: documentation\.content has "\$\{resource\.label\.project_id\}"/);
    let message = '';
    try {
      synth(stack);
    } catch (e) {
      message = (e as Error).message;
    }
    // Only the stray interpolation: the bucket reference, the function call and the variable are fine.
    expect(message).not.toMatch(/google_storage_bucket|upper|var\.channels|documentation\.subject/);
  });

  test('a Terraform template directive %{...} fails; %%{ passes', () => {
    const stack = plainStack();
    dashboard(stack, '%{if x}y%{endif}');
    expect(() => synth(stack)).toThrow(/dashboard_json has "%\{if x\}y%\{endif\}.*template directive.*`%%\{`/);
    const ok = plainStack();
    dashboard(ok, terraformLiteral('%{if x}y%{endif}'));
    expect(() => synth(ok)).not.toThrow();
  });

  test('a reference to a resource type that is declared but a name that is not fails too', () => {
    const stack = plainStack();
    bucket(stack);
    dashboard(stack, '${google_storage_bucket.other.name}');
    expect(() => synth(stack)).toThrow(/reference to resource "google_storage_bucket" "other", not declared/);
  });
});

describe('TerraformChecks: depends_on', () => {
  test('an fqn in depends_on fails synth with the construct path and the fix', () => {
    const stack = plainStack();
    const first = bucket(stack, 'first');
    const second = bucket(stack, 'second');
    second.dependsOn = [first.fqn];
    expect(() => synth(stack)).toThrow(
      /plain\/second: depends_on entry "\$\{google_storage_bucket\.first\}" is not a bare address \(type\.name\); Terraform refuses it at init\. Fix: pass the construct itself/,
    );
  });

  test('dependable() and dependsOn: [construct] write bare addresses and pass', () => {
    const stack = plainStack();
    const first = bucket(stack, 'first');
    const second = bucket(stack, 'second');
    second.dependsOn = [dependable(first)];
    new StorageBucket(stack, 'third', { name: 'acme-third', location: 'US', dependsOn: [first, second] });
    const json = synth(stack);
    expect(json.resource.google_storage_bucket.second.depends_on).toEqual(['google_storage_bucket.first']);
    expect(json.resource.google_storage_bucket.third.depends_on).toEqual(['google_storage_bucket.first', 'google_storage_bucket.second']);
  });

  test('a depends_on naming nothing in the stack fails', () => {
    const stack = plainStack();
    bucket(stack).dependsOn = ['google_storage_bucket.gone'];
    expect(() => synth(stack)).toThrow(/depends_on entry "google_storage_bucket\.gone" names nothing declared in this stack/);
  });
});

describe('TerraformChecks: construct ids from tokens', () => {
  // cdktf refuses a raw token as a resource's own id; a lowercased one (as SloAlerting once built
  // from a database id) or one in an enclosing construct's id gets through to the address.
  test('an id built from a lowercased token fails synth, naming the construct', () => {
    const stack = plainStack();
    const b = bucket(stack);
    bucket(stack, `copy-${b.name.toLowerCase()}`);
    expect(() => synth(stack)).toThrow(
      /plain\/copy-\$\{tftoken\[token\.\d+\]\}: construct id "copy-\$\{tftoken\[token\.\d+\]\}" is made from an unresolved token/,
    );
  });

  test('a token in an enclosing construct id fails synth', () => {
    const stack = plainStack();
    const b = bucket(stack);
    const group = new Construct(stack, `group-${b.name}`);
    new StorageBucket(group, 'inner', { name: 'acme-inner', location: 'US' });
    expect(() => synth(stack)).toThrow(/plain\/group-\$\{TfToken\[TOKEN\.\d+\]\}: construct id .* is made from an unresolved token/);
  });

  test('ids from literals and indexes pass', () => {
    const stack = plainStack();
    ['a', 'b'].forEach((name, i) => bucket(stack, `bucket-${name}-${i}`));
    expect(() => synth(stack)).not.toThrow();
  });
});

describe('PlatformStack applies TerraformChecks', () => {
  test('a bad legend in a PlatformStack fails synth', () => {
    const stack = platformStack(DEV_PROPS);
    dashboard(stack, '${metric.labels.kind}');
    expect(() => synth(stack)).toThrow(/test\/dashboard: dashboard_json has "\$\{metric\.labels\.kind\}"/);
  });
});

describe('terraformLiteral', () => {
  test('escapes ${ and %{, keeps escapes and cdktf tokens', () => {
    expect(terraformLiteral('${a} %{b} $${c} %%{d}')).toBe('$${a} %%{b} $${c} %%{d}');
    const stack = plainStack();
    const b = bucket(stack);
    const text = terraformLiteral(`\${metric.labels.kind} in ${b.name}`);
    new MonitoringDashboard(stack, 'dashboard', { dashboardJson: JSON.stringify({ displayName: text }) });
    expect(synth(stack).resource.google_monitoring_dashboard.dashboard.dashboard_json).toBe(
      '{"displayName":"$${metric.labels.kind} in ${google_storage_bucket.bucket.name}"}',
    );
  });
});
