/** Rules on the webhook's Cloud Run services: ingress, warm instances, identity, invokers, protection, images. */
import { PUBLIC_MEMBERS } from '../public-members';
import { first, isProduction, isUnresolved, membersIn } from './block-values';
import type { PolicyRule } from './policy-rule';

const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;
const IMAGE_DIGEST = /@sha256:[a-f0-9]{64}$/;

export const CLOUD_RUN_RULES: readonly PolicyRule[] = [
  {
    id: 'CKV_CONVAI_1',
    title: 'Cloud Run service ingress is not open to all traffic',
    fix: 'set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER (ScalableWebhook does this by default)',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    scope: 'resource',
    evaluate: (b) => {
      const ingress = b.ingress ?? 'INGRESS_TRAFFIC_ALL';
      return ingress === 'INGRESS_TRAFFIC_ALL' ? `ingress is ${ingress}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_2',
    title: 'Production Cloud Run service keeps at least one instance warm',
    fix: 'set minInstances to 1 or more for production (a cold start can exceed the Dialogflow webhook timeout)',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    scope: 'resource',
    evaluate: (b) => {
      if (!isProduction(b)) return undefined;
      const min = first(first(b.template)?.scaling)?.min_instance_count ?? first(b.scaling)?.min_instance_count;
      if (isUnresolved(min)) return undefined;
      return typeof min === 'number' && min >= 1 ? undefined : `min_instance_count is ${min ?? 'unset (0)'}`;
    },
  },
  {
    id: 'CKV_CONVAI_3',
    title: 'Cloud Run service runs as a dedicated service account',
    fix: 'give the service its own service account (ScalableWebhook creates one), never the default compute account',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    scope: 'resource',
    evaluate: (b) => {
      const sa = first(b.template)?.service_account;
      if (!sa) return 'template.service_account is unset, so the default compute service account is used';
      return !isUnresolved(sa) && DEFAULT_COMPUTE_SA.test(sa) ? `service_account is the default compute account ${sa}` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_4',
    title: 'Cloud Run service is not invokable by allUsers or allAuthenticatedUsers',
    fix: 'grant roles/run.invoker to the identities that must call the service (grantInvoke), never to the public',
    severity: 'error',
    resourceTypes: [
      'google_cloud_run_v2_service_iam_member',
      'google_cloud_run_v2_service_iam_binding',
      'google_cloud_run_service_iam_member',
      'google_cloud_run_service_iam_binding',
    ],
    scope: 'resource',
    evaluate: (b) => {
      const bad = membersIn(b, PUBLIC_MEMBERS);
      return bad.length > 0 ? `member ${bad.join(', ')} makes the service public` : undefined;
    },
  },
  {
    id: 'CKV_CONVAI_10',
    title: 'Cloud Run service has deletion protection',
    fix: 'leave deletionProtection on (the default); turn it off only to tear a stack down',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    scope: 'resource',
    evaluate: (b) => (b.deletion_protection === false ? 'deletion_protection is false' : undefined),
  },
  {
    id: 'CKV_CONVAI_12',
    title: 'Production Cloud Run containers run an image pinned by digest',
    fix: 'reference the image as <registry>/<path>@sha256:<digest> (see README: the image)',
    severity: 'error',
    resourceTypes: ['google_cloud_run_v2_service'],
    scope: 'resource',
    evaluate: (b) => {
      if (!isProduction(b)) return undefined;
      const containers: Record<string, any>[] = first(b.template)?.containers ?? [];
      const images = containers.map((c) => c.image);
      if (images.length === 0) return 'no containers';
      const unpinned = images.filter((i) => !isUnresolved(i) && !(typeof i === 'string' && IMAGE_DIGEST.test(i)));
      return unpinned.length > 0 ? `image ${unpinned.join(', ')} is not pinned by digest` : undefined;
    },
  },
];
