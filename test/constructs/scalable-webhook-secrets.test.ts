import { ScalableWebhook } from '../../constructs/scalable-webhook/scalable-webhook';
import { ScalableWebhookProps } from '../../constructs/scalable-webhook/platform';
import { SecureSecrets } from '../../constructs/secure-secrets/secure-secrets';
import { DEV_PROPS, IMAGE, Json, platformStack, resources, synth } from '../helpers/synth';

const BASE: ScalableWebhookProps = { image: IMAGE, domains: ['webhook.acme.example'] };

describe('ScalableWebhook consumes SecureSecrets secrets', () => {
  const stack = platformStack(DEV_PROPS);
  const secrets = new SecureSecrets(stack, 'secrets');
  const shared = secrets.addSecret('shared');
  const tls = secrets.addSecret('tls-key');
  new ScalableWebhook(stack, 'webhook', {
    ...BASE,
    secretEnv: { WEBHOOK_SHARED_SECRET: { secret: shared.secretId } },
    secretFiles: { '/secrets/tls/key.pem': { secret: tls.secretId, version: '2' }, '/secrets/shared/value': { secret: shared.secretId } },
  });
  const json = synth(stack);
  const service = Object.values(resources(json, 'google_cloud_run_v2_service'))[0];
  const secretRef = (logicalPrefix: string): string => {
    const id = Object.keys(resources(json, 'google_secret_manager_secret')).find((k) => k.startsWith(logicalPrefix))!;
    return `\${google_secret_manager_secret.${id}.id}`;
  };

  test('secret env reads the PlatformSecret by id', () => {
    expect(service.template.containers[0].env).toContainEqual({
      name: 'WEBHOOK_SHARED_SECRET',
      value_source: { secret_key_ref: { secret: secretRef('secrets_secret-shared_'), version: 'latest' } },
    });
  });

  test('secret files: one volume per secret, mounted at the file’s directory', () => {
    expect(service.template.volumes).toEqual([
      { name: 'secret-file-0', secret: { secret: secretRef('secrets_secret-tls-key_'), items: [{ version: '2', path: 'key.pem' }] } },
      { name: 'secret-file-1', secret: { secret: secretRef('secrets_secret-shared_'), items: [{ version: 'latest', path: 'value' }] } },
    ]);
    expect(service.template.containers[0].volume_mounts).toEqual([
      { name: 'secret-file-0', mount_path: '/secrets/tls' },
      { name: 'secret-file-1', mount_path: '/secrets/shared' },
    ]);
  });

  test('one accessor grant per secret, on the secret, to the webhook’s own service account', () => {
    const grants: Json[] = Object.values(resources(json, 'google_secret_manager_secret_iam_member'));
    expect(grants.map((g) => g.secret_id).sort()).toEqual(
      [secretRef('secrets_secret-shared_'), secretRef('secrets_secret-tls-key_')].sort(),
    );
    for (const g of grants) {
      expect(g.role).toBe('roles/secretmanager.secretAccessor');
      expect(g.member).toMatch(/^\$\{google_service_account\.webhook_service-account_[^.]+\.member\}$/);
    }
  });

  test('no volumes when there are no secret files', () => {
    const s = platformStack(DEV_PROPS);
    new ScalableWebhook(s, 'webhook', BASE);
    const svc = Object.values(resources(synth(s), 'google_cloud_run_v2_service'))[0];
    expect(svc.template.volumes).toBeUndefined();
    expect(svc.template.containers[0].volume_mounts).toBeUndefined();
  });

  test.each<[string, { [path: string]: { secret: string } }, RegExp]>([
    ['relative path', { 'secrets/x': { secret: 's' } }, /secretFiles path\(s\) secrets\/x are not usable/],
    ['file at the root', { '/x': { secret: 's' } }, /secretFiles path\(s\) \/x are not usable/],
    ['under /tmp', { '/tmp/s/x': { secret: 's' } }, /\/tmp\/s\/x are not usable/],
    ['two secrets in one directory', { '/secrets/a': { secret: 's1' }, '/secrets/b': { secret: 's2' } }, /several secrets in \/secrets/],
  ])('validation: %s', (_n, secretFiles, message) => {
    expect(() => new ScalableWebhook(platformStack(DEV_PROPS), 'webhook', { ...BASE, secretFiles })).toThrow(message);
  });
});
