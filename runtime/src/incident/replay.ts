import { Alert } from './notification';
import { IncidentResponder } from './responder';

/**
 * Play alerts through `responder` on a virtual clock: each at its start (or its end when closed),
 * with the group-wait deadlines in between, exactly as the live service's timer would fire them.
 */
export async function replayAlerts(responder: IncidentResponder, alerts: readonly Alert[]): Promise<void> {
  const at = (a: Alert) => (a.state === 'closed' ? (a.endedAt ?? a.startedAt) : a.startedAt);
  const events = alerts.map((alert, order) => ({ alert, at: at(alert), order })).sort((a, b) => a.at - b.at || a.order - b.order);
  for (const event of events) {
    for (let due = responder.nextDeadline(); due !== undefined && due <= event.at; due = responder.nextDeadline())
      await responder.tick(due);
    await responder.receive(event.alert, event.at);
    await responder.tick(event.at);
  }
  for (let due = responder.nextDeadline(); due !== undefined; due = responder.nextDeadline()) await responder.tick(due);
}
