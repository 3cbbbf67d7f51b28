import { PositionVector } from '@app/contracts';
import { ListChanges, RoundSources, View, readRound } from './sync-round';
import { InboxRead } from './to-device-inbox';

const requester = { userId: '@a:hs', deviceId: 'PHONE' };
const view = (since: PositionVector | null): View => ({ requester, since, version: 1, inboxVersion: 2 });

/** Read models in memory: records the tokens each was read at. */
function sources(inbox: InboxRead) {
  const reads: { inboxAt: PositionVector[]; changesUntil: PositionVector[] } = { inboxAt: [], changesUntil: [] };
  const changes: ListChanges = { changed: ['@b:hs'], left: [], joinedRooms: ['!r'] };
  const ports: RoundSources = {
    inbox: async (_r, _v, _since, next) => (reads.inboxAt.push(next), inbox),
    changesSince: async (_v, _u, _since, until) => (reads.changesUntil.push(until), changes),
  };
  return { ports, reads, changes };
}

describe('readRound', () => {
  it('reads both read models as of the lower of their applied positions; an initial sync has no changes', async () => {
    const s = sources({ events: [] });
    const round = await readRound(s.ports, view(null), [5, 9], [7, 3]);
    expect(round.next).toEqual([5, 3]);
    expect(round.changes).toBeNull();
    expect(s.reads.inboxAt).toEqual([[5, 3]]);
  });

  it('never hands out a token before `since`, and reads the changes up to the token', async () => {
    const s = sources({ events: [] });
    const round = await readRound(s.ports, view([6, 1]), [5, 9], [7, 3]);
    expect(round.next).toEqual([6, 3]);
    expect(round.changes).toBe(s.changes);
    expect(s.reads.changesUntil).toEqual([[6, 3]]);
  });

  it('stops the token, and the changes, at the last message handed out when more wait', async () => {
    const s = sources({ events: [], capAt: { partition: 1, offset: 2 } });
    const round = await readRound(s.ports, view([0, 0]), [5, 9], [7, 8]);
    expect(round.next).toEqual([5, 2]);
    expect(s.reads.changesUntil).toEqual([
      [5, 8],
      [5, 2],
    ]);
  });
});
