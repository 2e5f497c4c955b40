import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { Duration } from '../../constructs/core/duration';
import { Grantee } from '../../constructs/core/grantee';
import { platformStack, synth } from '../helpers/synth';

describe('Grantee: the one way to say who a grant is for', () => {
  test('public members are refused by every factory, the one place that says so', () => {
    for (const member of ['allUsers', 'allAuthenticatedUsers']) {
      expect(() => Grantee.fromMember(member)).toThrow(new RegExp(`Grantee.fromMember: ${member} is public`));
      expect(() => Grantee.fromServiceAccountEmail(member)).toThrow(new RegExp(`Grantee.fromServiceAccountEmail: ${member} is public`));
    }
  });

  test('a service account by email becomes a serviceAccount: member', () => {
    const g = Grantee.fromServiceAccountEmail('ci@acme.iam.gserviceaccount.com');
    expect(g.member).toBe('serviceAccount:ci@acme.iam.gserviceaccount.com');
    expect(g.serviceAccountEmail).toBe('ci@acme.iam.gserviceaccount.com');
    expect(() => Grantee.fromServiceAccountEmail('serviceAccount:ci@acme.iam.gserviceaccount.com')).toThrow(
      /is not a service account email/,
    );
    expect(() => Grantee.fromServiceAccountEmail('ci')).toThrow(/is not a service account email/);
  });

  test('a member string keeps its kind; only serviceAccount: members count as service accounts', () => {
    expect(Grantee.fromMember('group:oncall@acme.dev').serviceAccountEmail).toBeUndefined();
    expect(Grantee.fromMember('serviceAccount:a@acme.iam.gserviceaccount.com').serviceAccountEmail).toBe('a@acme.iam.gserviceaccount.com');
    expect(() => Grantee.fromMember(' ')).toThrow(/member is empty/);
  });

  test('a service account of the app: its member and email attributes, as references', () => {
    const stack = platformStack();
    const account = new ServiceAccount(stack, 'sa', { accountId: 'runner' });
    const g = Grantee.fromServiceAccount(account);
    new TerraformOutput(stack, 'member', { value: g.member });
    new TerraformOutput(stack, 'email', { value: g.serviceAccountEmail });
    const out = synth(stack).output;
    expect([out.member.value, out.email.value]).toEqual(['${google_service_account.sa.member}', '${google_service_account.sa.email}']);
  });

  test('tokens cannot be judged and are accepted', () => {
    const stack = platformStack();
    const email = new TerraformVariable(stack, 'email', { type: 'string' }).stringValue;
    expect(Grantee.fromServiceAccountEmail(email).member).toBe(`serviceAccount:${email}`);
  });
});

describe('Duration: every time prop says its unit where it is written', () => {
  test('conversions between units, without float noise', () => {
    expect(Duration.hours(0.1).toSeconds()).toBe(360);
    expect(Duration.millis(800).toSeconds()).toBe(0.8);
    expect(Duration.seconds(0.8).toMilliseconds()).toBe(800);
    expect(Duration.days(7).toHours()).toBe(168);
    expect(Duration.minutes(90).toHours()).toBe(1.5);
    expect(Duration.hours(36).toDays()).toBe(1.5);
  });

  test('printed in the largest whole unit', () => {
    expect(['' + Duration.days(7), '' + Duration.hours(4), '' + Duration.minutes(5), '' + Duration.seconds(90)]).toEqual([
      '7 d',
      '4 h',
      '5 min',
      '90 s',
    ]);
    expect(`${Duration.millis(800)} / ${Duration.millis(2000)} / ${Duration.seconds(0.2)}`).toBe('800 ms / 2 s / 0.2 s');
    expect(`${Duration.hours(0)}`).toBe('0 s');
  });

  test('negative or infinite amounts are refused', () => {
    expect(() => Duration.minutes(-1)).toThrow(/Duration: -1 min is not a duration: use a finite amount ≥ 0/);
    expect(() => Duration.seconds(Infinity)).toThrow(/is not a duration/);
  });

  test('a token amount converts as Terraform arithmetic', () => {
    const stack = platformStack();
    const days = new TerraformVariable(stack, 'days', { type: 'number' }).numberValue;
    const d = Duration.days(days);
    expect(d.isUnresolved()).toBe(true);
    expect(d.toDays()).toBe(days);
    new TerraformVariable(stack, 'probe', { type: 'number', default: d.toSeconds() });
    expect(synth(stack).variable.probe.default).toBe('${(var.days * 86400)}');
  });
});
