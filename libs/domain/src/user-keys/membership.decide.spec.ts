import { ApplyMembershipCommand } from '@app/contracts';
import { membershipCommand, roomEncryptionCommand } from '@app/testing';
import { decideUserKeys } from './user-keys.decide';
import { evolveUserKeys } from './user-keys.evolve';
import { UserKeysState, initialUserKeysState } from './user-keys.state';

let seq = 0;
const membership = (roomId: string, m: ApplyMembershipCommand['data']['membership']) => membershipCommand(`hs:${++seq}`, roomId, m);

function step(state: UserKeysState, command: ApplyMembershipCommand) {
  const decision = decideUserKeys(state, command);
  if (!decision.ok) throw new Error('rejected');
  return { types: decision.events.map((e) => e.type), state: decision.events.reduce(evolveUserKeys, state) };
}

describe('decide: memberships', () => {
  it('records changes only: join, join again (no-op), leave, leave again (no-op), rejoin', () => {
    let state = initialUserKeysState();
    const seen: string[][] = [];
    for (const m of ['join', 'join', 'leave', 'leave', 'join'] as const) {
      const r = step(state, membership('!r:x', m));
      seen.push(r.types);
      state = r.state;
    }
    expect(seen).toEqual([['MembershipChanged'], [], ['MembershipChanged'], [], ['MembershipChanged']]);
    expect(state.rooms).toEqual({ '!r:x': 'join' });
  });

  it('keeps only current memberships: a ban of a room never joined is a no-op, leaving drops the room', () => {
    expect(step(initialUserKeysState(), membership('!r:x', 'ban')).types).toEqual([]);
    const invited = step(initialUserKeysState(), membership('!r:x', 'invite')).state;
    expect(invited.rooms).toEqual({ '!r:x': 'invite' });
    expect(step(invited, membership('!r:x', 'leave')).state.rooms).toEqual({});
  });
});

describe('decide: room encryption', () => {
  const encryption = (id: string, algorithm: string) => roomEncryptionCommand(id, algorithm);

  it('is recorded once: a second m.room.encryption (even with another algorithm) and a redelivery change nothing', () => {
    const first = decideUserKeys(initialUserKeysState(), encryption('hs:$e1', 'm.megolm.v1.aes-sha2'));
    if (!first.ok) throw new Error('rejected');
    expect(first.events.map((e) => [e.type, e.data])).toEqual([['RoomEncryptionEnabled', { roomId: '!r:x', algorithm: 'm.megolm.v1.aes-sha2' }]]);
    const state = first.events.reduce(evolveUserKeys, initialUserKeysState());
    expect(state.roomEncryption).toBe('m.megolm.v1.aes-sha2');
    for (const again of [encryption('hs:$e1', 'm.megolm.v1.aes-sha2'), encryption('hs:$e2', 'other')]) {
      const decision = decideUserKeys(state, again);
      expect(decision.ok && decision.events).toEqual([]);
    }
  });
});
