import { Round } from './sync-round';
import { answersNow } from './sync-answer';

export interface LongPollPorts<A> {
  readonly now: () => number;
  /** `since` acknowledges the messages up to this sequence number. */
  acknowledge(upToSeq: number): Promise<void>;
  /** Waits (at most `remainingMs`) until something the round's reader cares about changed after its token. */
  waitForChange(round: Round, remainingMs: number): Promise<unknown>;
  /** The next round, read at the checkpoints as they are now. */
  readAgain(): Promise<Round>;
  answer(round: Round): Promise<A>;
}

/**
 * From the first round to the answer: acknowledges once (the first read of the inbox tells what
 * `since` acknowledges), then answers when a round has something or the deadline has passed;
 * otherwise waits for a change and reads again.
 */
export async function longPoll<A>(first: Round, deadline: number, acknowledges: boolean, ports: LongPollPorts<A>): Promise<A> {
  let round = first;
  let acknowledged = !acknowledges;
  for (;;) {
    if (!acknowledged) {
      acknowledged = true;
      if (round.inbox.receivedUpTo !== undefined) await ports.acknowledge(round.inbox.receivedUpTo);
    }
    const remaining = deadline - ports.now();
    if (answersNow(round, remaining)) return ports.answer(round);
    await ports.waitForChange(round, remaining);
    round = await ports.readAgain();
  }
}
