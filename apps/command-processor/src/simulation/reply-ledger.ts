import { CommandReply } from '@app/contracts';
import { SimulatedEventLog } from './simulated-log';
import { Violations } from './violations';

/**
 * e2ee.replies as the waiting API instances receive them: a reply that lands is an
 * acknowledgement, checked against the log at that moment. What it reports must be in the log
 * (its events, at the position it names); the one-time keys it hands out must be recorded in the
 * log for its command, and every answer to one command id must hand out the same keys.
 */
export class ReplyLedger {
  acknowledged = 0;
  private readonly firstHandedOut = new Map<string, string>();

  constructor(
    private readonly log: SimulatedEventLog,
    private readonly violations: Violations,
  ) {}

  deliver(replies: readonly CommandReply[]): void {
    for (const reply of replies) this.check(reply);
  }

  private check(reply: CommandReply): void {
    if (!reply.outcome.ok) return;
    this.acknowledged++;
    const id = reply.commandId;
    const events = this.log.eventsOf(id);
    const { eventCount, lastPosition, result } = reply.outcome;
    if (eventCount > 0) {
      const ids = events.map((e) => e.event.id).join(',');
      const expected = Array.from({ length: eventCount }, (_, i) => `${id}/${i}`).join(',');
      if (ids !== expected) this.violations.report(`reply to ${id} acknowledges events ${expected} but the log holds [${ids}]`);
      const last = events[eventCount - 1];
      if (last && (lastPosition?.partition !== last.partition || lastPosition?.offset !== last.offset)) {
        this.violations.report(`reply to ${id} names position ${JSON.stringify(lastPosition)}, its last event is at ${last.partition}/${last.offset}`);
      }
    }
    if (result.kind !== 'claim') return;
    const handedOut = result.claimed
      .filter((c) => !c.fallback)
      .map((c) => JSON.stringify([c.deviceId, c.keyName]))
      .sort();
    const recorded = events
      .flatMap((e) => (e.event.type === 'OneTimeKeyClaimed' ? [JSON.stringify([e.event.data.deviceId, e.event.data.keyName])] : []))
      .sort();
    const unrecorded = handedOut.filter((k) => !recorded.includes(k));
    if (unrecorded.length > 0) this.violations.report(`reply to ${id} hands out ${unrecorded.join(' ')}, which the log does not record for it`);
    const first = this.firstHandedOut.get(id);
    // A claim answered without keys whose command took a key in the log: a key nobody receives
    // (the command was not remembered, and its redelivery after an upload claimed again).
    if (handedOut.length < recorded.length && eventCount === 0)
      this.violations.report(`reply to ${id} hands out [${handedOut.join(' ')}] but the log records [${recorded.join(' ')}] for it: a wasted key`);
    else if (first !== undefined && first !== handedOut.join(' '))
      this.violations.report(`reply to ${id} hands out [${handedOut.join(' ')}], an earlier one [${first}]`);
    if (handedOut.length > 0 && first === undefined) this.firstHandedOut.set(id, handedOut.join(' '));
    if (eventCount > 0 && handedOut.length !== recorded.length)
      this.violations.report(`reply to ${id} hands out [${handedOut.join(' ')}] of the keys it claimed [${recorded.join(' ')}]`);
  }
}
