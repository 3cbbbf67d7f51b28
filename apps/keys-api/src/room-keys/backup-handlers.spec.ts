import { BackupSessionUpload } from '@app/contracts';
import { FakeCommandGateway, accepted, rejected } from '../testing/fake-command-gateway';
import { CreateBackupVersionHandler } from './create-backup-version/create-backup-version.handler';
import { CreateBackupVersionRequest } from './create-backup-version/create-backup-version.command';
import { UpdateBackupVersionHandler } from './update-backup-version/update-backup-version.handler';
import { UpdateBackupVersionRequest } from './update-backup-version/update-backup-version.command';
import { PutBackupKeysHandler } from './put-backup-keys/put-backup-keys.handler';
import { PutBackupKeysRequest } from './put-backup-keys/put-backup-keys.command';
import { DeleteBackupKeysHandler } from './delete-backup-keys/delete-backup-keys.handler';
import { DeleteBackupKeysRequest } from './delete-backup-keys/delete-backup-keys.command';

const alice = { userId: '@alice:example.org', deviceId: 'A' };
const key = { first_message_index: 0, forwarded_count: 1, is_verified: false, session_data: { ciphertext: 'c' } };

describe('backup handlers', () => {
  it('create: decided by the owner of backup:<user>, auth_data as JSON text', async () => {
    const gateway = new FakeCommandGateway(() => accepted({ kind: 'backup-version', version: '3' }));
    await expect(
      new CreateBackupVersionHandler(gateway.asGateway()).execute(new CreateBackupVersionRequest(alice, 'alg', { public_key: 'k' }, 'req')),
    ).resolves.toEqual({ version: '3' });
    expect({ ...gateway.executed[0].draft, key: gateway.executed[0].key }).toEqual({
      type: 'CreateBackupVersion',
      key: `backup:${alice.userId}`,
      data: { userId: alice.userId, algorithm: 'alg', authDataJson: '{"public_key":"k"}' },
    });
  });

  it('update: a body version other than the path’s is refused before anything is sent', async () => {
    const gateway = new FakeCommandGateway();
    const handler = new UpdateBackupVersionHandler(gateway.asGateway());
    await expect(handler.execute(new UpdateBackupVersionRequest(alice, '2', '3', 'alg', {}, 'req'))).rejects.toMatchObject({
      errcode: 'M_INVALID_PARAM',
      message: 'The version in the body does not match the path',
    });
    expect(gateway.executed).toEqual([]);
    await expect(handler.execute(new UpdateBackupVersionRequest(alice, '2', '2', 'alg', {}, 'req'))).resolves.toEqual({});
  });

  it('put: the sessions of each path level, and the current version when writing to an old one', async () => {
    const gateway = new FakeCommandGateway(() => accepted({ kind: 'backup-keys', etag: 'e', count: 1 }));
    const handler = new PutBackupKeysHandler(gateway.asGateway());
    const put = (roomId: string | undefined, sessionId: string | undefined, body: unknown) =>
      handler.execute(new PutBackupKeysRequest(alice, '1', roomId, sessionId, body, 'req'));
    await expect(put('!r:x', 'S', key)).resolves.toEqual({ etag: 'e', count: 1 });
    await put('!r:x', undefined, { sessions: { S: key } });
    await put(undefined, undefined, { rooms: { '!r:x': { sessions: { S: key } } } });
    const sessions = gateway.executed.map(({ draft }) => (draft.data as unknown as { sessions: BackupSessionUpload[] }).sessions);
    expect(sessions[1]).toEqual(sessions[0]);
    expect(sessions[2]).toEqual(sessions[0]);
    expect(sessions[0]).toEqual([
      { roomId: '!r:x', sessionId: 'S', firstMessageIndex: 0, forwardedCount: 1, isVerified: false, sessionDataJson: '{"ciphertext":"c"}' },
    ]);

    gateway.answer = () => rejected({ code: 'WRONG_BACKUP_VERSION', message: 'old', currentVersion: '2' });
    await expect(put('!r:x', 'S', key)).rejects.toMatchObject({ errcode: 'M_WRONG_ROOM_KEYS_VERSION', status: 403, extra: { current_version: '2' } });
    await expect(put('!r:x', 'S', { ...key, is_verified: 'no' })).rejects.toMatchObject({ errcode: 'M_BAD_JSON', message: 'is_verified must be a boolean' });
  });

  it('delete: names the level it deletes', async () => {
    const gateway = new FakeCommandGateway(() => accepted({ kind: 'backup-keys', etag: 'e', count: 0 }));
    await new DeleteBackupKeysHandler(gateway.asGateway()).execute(new DeleteBackupKeysRequest(alice, '1', '!r:x', null, 'req'));
    expect(gateway.executed[0].draft.data).toEqual({ userId: alice.userId, version: '1', roomId: '!r:x', sessionId: null });
  });
});
