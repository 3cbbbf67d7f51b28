import { roomEncryptionCommand } from '@app/testing';
import { decideRoomEncryption } from './room-encryption.decide';
import { evolveRoomEncryption } from './room-encryption.evolve';
import { RoomEncryptionState } from './room-encryption.state';

/** The room-encryption aggregate, kept under the room id, on its own state. */
const encryption = (id: string, algorithm: string) => roomEncryptionCommand(id, algorithm);

describe('room-encryption aggregate', () => {
  it('records the first algorithm once; later ones and redeliveries record nothing', () => {
    const first = decideRoomEncryption({}, encryption('e1', 'm.megolm.v1.aes-sha2'), false);
    if (!first.ok || first.events[0]?.type !== 'RoomEncryptionEnabled') throw new Error('not recorded');
    const state: RoomEncryptionState = evolveRoomEncryption({}, first.events[0]);
    expect(state).toEqual({ roomEncryption: 'm.megolm.v1.aes-sha2' });
    expect(decideRoomEncryption(state, encryption('e2', 'other'), false)).toEqual({ ok: true, events: [], result: { kind: 'applied' } });
    expect(decideRoomEncryption({}, encryption('e1', 'm.megolm.v1.aes-sha2'), true)).toEqual({ ok: true, events: [], result: { kind: 'applied' } });
  });
});
