/**
 * The small stack the policy exercises start from: one production Cloud Run v2 service written
 * with the provider class (not ScalableWebhook, whose secure defaults would leave nothing to fix),
 * so the exercise stays valid while the construct API evolves.
 */
export interface CloudRunStackOptions {
  readonly serviceName: string;
  readonly ingress: string;
  readonly minInstances: number;
  /** Extra statements after the service is defined (a suppression, for instance). */
  readonly after?: string;
}

export function cloudRunStack(o: CloudRunStackOptions): string {
  return `import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { PolicySuppressions } from '../../constructs/core/policy-suppressions';

/** The checker calls build() and synthesizes the stack it returns, then runs the policy pack on it. */
export function build(scope: Construct): TerraformStack {
  const stack = new TerraformStack(scope, 'training');
  new GoogleProvider(stack, 'google', { project: 'acme-convai-prod', region: 'europe-west1' });
  const service = new CloudRunV2Service(stack, '${o.serviceName}', {
    name: '${o.serviceName}',
    location: 'europe-west1',
    labels: { env: 'prod', team: 'convai', 'cost-center': 'cc-1234', 'managed-by': 'cdktf', service: '${o.serviceName}' },
    deletionProtection: true,
    ingress: '${o.ingress}',
    template: {
      serviceAccount: '${o.serviceName}@acme-convai-prod.iam.gserviceaccount.com',
      scaling: { minInstanceCount: ${o.minInstances}, maxInstanceCount: 20 },
      containers: [
        {
          image: 'europe-docker.pkg.dev/acme-convai-prod/convai/${o.serviceName}@sha256:${'a'.repeat(64)}',
          resources: { limits: { cpu: '1', memory: '512Mi' } },
        },
      ],
    },
  });
  void PolicySuppressions; // import kept for the exercises that record a suppression
${o.after ?? ''}  void service;
  return stack;
}
`;
}
