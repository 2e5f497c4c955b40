import { IConstruct } from 'constructs';
import { PlatformStack } from './platform-stack';
import { Rule, isToken } from './validation';

/**
 * How the library's alerting constructs (SloAlerting, DrBackup, SecurityMonitoring) route and
 * label their alert policies, in one place so they agree:
 *
 * - a CRITICAL policy notifies the page channels (the on-call); ERROR and WARNING notify the
 *   ticket channels (the team's queue), which default to the page channels;
 * - in production the page channels are required: an alert nobody hears is noise in the console;
 * - every policy carries `env` in `user_labels` (the policy checks judge production from it) and
 *   `severity` (`page` or `ticket`); inside a PlatformStack the PlatformLabels aspect adds the rest
 *   of the platform labels.
 */

/** Cloud Monitoring's alert policy severities. */
export type MonitoringSeverity = 'CRITICAL' | 'ERROR' | 'WARNING';

/** The channel props every alerting construct takes. */
export interface AlertChannelProps {
  readonly production: boolean;
  readonly pageChannels?: string[];
  readonly ticketChannels?: string[];
}

/** The `severity` user label (`page` or `ticket`), the routing the policy checks and dashboards read. */
export function routingLabel(severity: MonitoringSeverity): 'page' | 'ticket' {
  return severity === 'CRITICAL' ? 'page' : 'ticket';
}

/**
 * The channels a policy of `severity` notifies (pages for CRITICAL, tickets otherwise), as the
 * provider wants `notification_channels`: undefined rather than an empty list.
 */
export function notificationChannels(severity: MonitoringSeverity, props: AlertChannelProps): string[] | undefined {
  const page = props.pageChannels ?? [];
  const channels = severity === 'CRITICAL' ? page : (props.ticketChannels ?? page);
  return channels.length > 0 ? channels : undefined;
}

/** The rule each alerting construct checks: production pages someone. */
export function pageChannelsRule<P extends AlertChannelProps>(what: string): Rule<P> {
  return {
    when: (p) => p.production && !isToken(p.pageChannels) && (p.pageChannels ?? []).length === 0,
    say: () =>
      `pageChannels is empty in production: give at least one notification channel id (projects/<p>/notificationChannels/<id>) so ${what} reach the on-call`,
  };
}

/**
 * The environment an alert policy is labelled with: the PlatformStack's, else `prod`/`dev` from
 * the construct's production flag (a plain TerraformStack has no environment of its own).
 */
export function alertEnvironment(scope: IConstruct, production: boolean): string {
  return PlatformStack.find(scope)?.environment ?? (production ? 'prod' : 'dev');
}
