import { PositionVector } from '@app/contracts';
import { deviceListsProjection, oneTimeKeysProjection, toDeviceProjection } from '@app/read-models';
import { Requester } from '../auth/requester';
import { ReadBarrier } from '../read-barrier/read-barrier';
import { CheckpointVectors, SyncOwners, SyncVersions, covers } from './sync-positions';
import { Round } from './sync-round';

export interface SpeculativeReadPorts {
  readonly barrier: Pick<ReadBarrier, 'lastOffsets' | 'targetsIn' | 'waitForTargets'>;
  readonly positions: CheckpointVectors;
  /** One round of both read models as of the positions given (sync-round.ts). */
  readonly read: (lists: PositionVector, inbox: PositionVector) => Promise<Round>;
}

/** The first read of a sync, with what the answer's key counts need. */
export interface FirstRead {
  readonly round: Round;
  /** The end of the requester's partition when the sync began: own writes are below it. */
  readonly targets: Map<number, bigint>;
  /** Whether the one-time-keys projection had applied `targets` (else its counts are served, not kept). */
  readonly keysCaughtUp: boolean;
}

/**
 * The reads of one sync. Own writes, and messages acknowledged to their senders, are visible
 * first: the read models must have applied the end of the requester's partition (one look at the
 * log, `ends`, serves all three). The first read does not wait for that look: it starts at once on
 * the positions this process already knows (no store read). When those turn out to pass the end
 * of every partition, they are as fresh as any read of the checkpoints could be (nothing can be
 * applied beyond the end), so the read stands: the common case of a sync with nothing new.
 * Otherwise the checkpoints are read, and waited for where the requester's partition is not
 * applied yet, and the read done again.
 */
export class SpeculativeRead {
  constructor(
    private readonly ports: SpeculativeReadPorts,
    private readonly requester: Requester,
    private readonly versions: SyncVersions,
    private readonly owners: SyncOwners,
  ) {}

  async first(): Promise<FirstRead> {
    const { barrier, positions } = this.ports;
    const { requester, versions, owners } = this;
    const knownLists = positions.known(owners.lists);
    const knownInbox = positions.known(owners.inbox);
    const [ends, early] = await Promise.all([barrier.lastOffsets(), knownLists && knownInbox ? this.at(knownLists, knownInbox) : null]);
    const targets = barrier.targetsIn(ends, [requester.userId]);
    const keysKnown = positions.checkpoints.known(owners.keys);
    const keysApplied = requester.deviceId === null || (keysKnown !== undefined && covers(keysKnown, targets));
    let fresh = early && covers(early.lists, ends) && covers(early.inbox, ends) ? early : await this.now();
    let keysCaughtUp = true;
    if (!covers(fresh.lists, targets) || !covers(fresh.inbox, targets) || !keysApplied) {
      [, , keysCaughtUp] = await Promise.all([
        barrier.waitForTargets(deviceListsProjection.name, versions.lists, targets),
        barrier.waitForTargets(toDeviceProjection.name, versions.inbox, targets),
        requester.deviceId !== null && barrier.waitForTargets(oneTimeKeysProjection.name, versions.keys, targets),
      ]);
      fresh = await this.now();
    }
    return { round: fresh.round, targets, keysCaughtUp };
  }

  /** A read at the checkpoints as stored now (what a long-poll does after each wake-up). */
  async again(): Promise<Round> {
    return (await this.now()).round;
  }

  private async now(): Promise<PositionedRound> {
    const { positions } = this.ports;
    return this.at(...(await Promise.all([positions.applied(this.owners.lists), positions.applied(this.owners.inbox)])));
  }

  private async at(lists: PositionVector, inbox: PositionVector): Promise<PositionedRound> {
    return { lists, inbox, round: await this.ports.read(lists, inbox) };
  }
}

/** A round and the positions it was read at. */
interface PositionedRound {
  readonly lists: PositionVector;
  readonly inbox: PositionVector;
  readonly round: Round;
}
