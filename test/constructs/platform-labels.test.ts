import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { PubsubTopic } from '@cdktf/provider-google/lib/pubsub-topic';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { PlatformLabels } from '../../constructs/core/platform-labels';
import { DEV_PROPS, only, platformStack, synth } from '../helpers/synth';

// Topics must be CMEK-encrypted (CKV_CONVAI_32, checked at synth).
const KEY = 'projects/acme/locations/us-central1/keyRings/convai/cryptoKeys/logs';

describe('PlatformLabels', () => {
  test("leaves a notification channel's labels alone: they are its address, not resource labels", () => {
    const stack = platformStack();
    new MonitoringNotificationChannel(stack, 'oncall', { type: 'email', labels: { email_address: 'oncall@acme.dev' } });
    expect(only(synth(stack), 'google_monitoring_notification_channel').labels).toEqual({ email_address: 'oncall@acme.dev' });
  });

  test('labels every resource that accepts labels, including ones the library did not create', () => {
    const stack = platformStack({ ...DEV_PROPS, extraLabels: { app: 'convai' } });
    new PubsubTopic(stack, 'topic', { name: 'events', kmsKeyName: KEY, labels: { purpose: 'feedback' } });
    new ServiceAccount(stack, 'sa', { accountId: 'worker-1' });
    const json = synth(stack);
    expect(only(json, 'google_pubsub_topic').labels).toEqual({
      app: 'convai',
      purpose: 'feedback',
      env: 'dev',
      team: 'convai',
      'cost-center': 'cc-42',
      'managed-by': 'cdktf',
    });
    // Service accounts take no labels: left alone rather than given an attribute Terraform rejects.
    expect(only(json, 'google_service_account').labels).toBeUndefined();
  });

  test("labels Monitoring resources' user_labels (alert policies are judged by their env), leaving channel addresses alone", () => {
    const stack = platformStack(DEV_PROPS);
    new MonitoringAlertPolicy(stack, 'alert', {
      displayName: 'a',
      combiner: 'OR',
      conditions: [{ displayName: 'c', conditionAbsent: { filter: 'metric.type="x"', duration: '300s' } }],
      documentation: { content: 'Runbook: https://runbooks.acme.dev/x.md' },
      userLabels: { env: 'prod', signal: 'x' },
    });
    new MonitoringNotificationChannel(stack, 'oncall', { type: 'email', labels: { email_address: 'oncall@acme.dev' } });
    const json = synth(stack);
    expect(only(json, 'google_monitoring_alert_policy').user_labels).toEqual({
      signal: 'x',
      env: 'dev',
      team: 'convai',
      'cost-center': 'cc-42',
      'managed-by': 'cdktf',
    });
    const channel = only(json, 'google_monitoring_notification_channel');
    expect(channel.labels).toEqual({ email_address: 'oncall@acme.dev' });
    expect(channel.user_labels).toMatchObject({ env: 'dev', team: 'convai' });
  });

  test('a resource cannot override the required labels', () => {
    const stack = platformStack(DEV_PROPS);
    new PubsubTopic(stack, 'topic', { name: 'events', kmsKeyName: KEY, labels: { env: 'prod', team: 'someone-else' } });
    expect(only(synth(stack), 'google_pubsub_topic').labels).toMatchObject({ env: 'dev', team: 'convai' });
  });

  test.each([
    [{ env: 'dev', team: 'Conversational AI', costCenter: 'cc-1' }, /label "team" has invalid value "Conversational AI"/],
    [{ env: '', team: 'convai', costCenter: 'cc-1' }, /label "env" is empty/],
    [{ env: 'dev', team: 'convai', costCenter: 'cc-1', extra: { '1bad': 'x' } }, /label key "1bad" is invalid/],
  ])('rejects invalid labels %#', (values, message) => {
    expect(() => new PlatformLabels(values)).toThrow(message);
  });
});
