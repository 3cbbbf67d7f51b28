import {
  BackupDecryptionKey,
  DecryptionSettings,
  DeviceId,
  EncryptionSettings,
  KeysUploadRequest,
  OlmMachine,
  RoomId,
  TrustRequirement,
  UserId,
  initAsync,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import { suiteEnv } from '../helpers/suite-env';
import { startSystem, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';

/**
 * A real client's backup round trip through us: an OlmMachine enables backup, uploads its room
 * keys with backupRoomKeys(); a fresh OlmMachine of the same user downloads them, decrypts them
 * with the backup key and decrypts a message encrypted before it existed.
 */
describe('interop: server-side key backup with matrix-sdk-crypto', () => {
  const env = suiteEnv('interop-backup');
  const system = systemForSuite(env, () => startSystem(env, 1), { before: initAsync });

  it('a fresh device restores the keys from the backup and decrypts an old message', async () => {
    const [userId, roomId] = ['@alice:test.local', '!room:test.local'];
    const first = await OlmMachine.initialize(new UserId(userId), new DeviceId('FIRST'));
    const client = new MatrixClient(system.apis[0].url, tokenFor(userId, 'FIRST'));
    for (const request of await first.outgoingRequests()) {
      if (!(request instanceof KeysUploadRequest)) continue;
      const response = await client.request('POST', '/_matrix/client/v3/keys/upload', JSON.parse(request.body));
      await first.markRequestAsSent(request.id, request.type, JSON.stringify(response.body));
    }
    await first.shareRoomKey(new RoomId(roomId), [new UserId(userId)], new EncryptionSettings());
    const content = await first.encryptRoomEvent(
      new RoomId(roomId),
      'm.room.message',
      JSON.stringify({ msgtype: 'm.text', body: 'from before the new device' }),
    );

    // Backup: a new version with the backup public key, then the machine's own upload request.
    const backupKey = BackupDecryptionKey.createRandomKey();
    const created = await client.request('POST', '/_matrix/client/v3/room_keys/version', {
      algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
      auth_data: { public_key: backupKey.megolmV1PublicKey.publicKeyBase64 },
    });
    const version = created.body.version as string;
    await first.enableBackupV1(backupKey.megolmV1PublicKey.publicKeyBase64, version);
    const upload = await first.backupRoomKeys();
    expect(upload).toBeDefined();
    const stored = await client.request('PUT', `/_matrix/client/v3/room_keys/keys?version=${upload!.version}`, JSON.parse(upload!.body));
    expect(stored.body).toEqual({ etag: '1', count: 1 });
    await first.markRequestAsSent(upload!.id, upload!.type, JSON.stringify(stored.body));

    // A fresh device of the same user restores from the backup.
    const second = await OlmMachine.initialize(new UserId(userId), new DeviceId('SECOND'));
    const download = await new MatrixClient(system.apis[0].url, tokenFor(userId, 'SECOND')).request(
      'GET',
      `/_matrix/client/v3/room_keys/keys?version=${version}`,
    );
    const keys = new Map<RoomId, Map<string, unknown>>();
    for (const [room, { sessions }] of Object.entries(
      download.body.rooms as Record<string, { sessions: Record<string, { session_data: Record<string, string> }> }>,
    )) {
      const bySession = new Map<string, unknown>();
      for (const [sessionId, data] of Object.entries(sessions)) {
        const { ephemeral, mac, ciphertext } = data.session_data;
        bySession.set(sessionId, JSON.parse(backupKey.decryptV1(ephemeral, mac, ciphertext)));
      }
      keys.set(new RoomId(room), bySession);
    }
    const imported = await second.importBackedUpRoomKeys(keys, () => undefined, version);
    expect(imported.importedCount).toBe(1);

    const event = { type: 'm.room.encrypted', event_id: '$old', sender: userId, origin_server_ts: Date.now(), room_id: roomId, content: JSON.parse(content) };
    const decrypted = await second.decryptRoomEvent(JSON.stringify(event), new RoomId(roomId), new DecryptionSettings(TrustRequirement.Untrusted));
    expect(JSON.parse(decrypted.event)).toMatchObject({ content: { body: 'from before the new device' } });
    first.close();
    second.close();
  });
});
