import {
  CrossSigningKeyPair,
  DeviceIdentity,
  crossSigningKey,
  newDeviceIdentity,
  signObject,
  signedDeviceKeys,
  signedFallbackKey,
  signedOneTimeKeys,
} from '@app/testing';
import { MatrixClient, tokenFor } from '../matrix-client';

export const ALICE = '@alice:test.local';
export const BOB = '@bob:test.local';
export const CAROL = '@carol:test.local';
export const BACKUP_ALG = 'm.megolm_backup.v1.curve25519-aes-sha2';
export const ALICE_ROOM = '!alice-room:test.local';
export const rk = (path: string) => `/_matrix/client/v3/room_keys/${path}`;

export const sessionKey = (tag: string, firstMessageIndex = 0) => ({
  first_message_index: firstMessageIndex,
  forwarded_count: 0,
  is_verified: false,
  session_data: { ciphertext: tag },
});

/**
 * Alice (devices A1, A2) with device keys, one-time and fallback keys, cross-signing keys and a
 * backup; Bob (B1) with device keys and a master key but no backup; Carol (C1) with a backup
 * whose version id is Alice's ("1"), so a version id alone reaches nobody else's data.
 */
export class AuthzFixture {
  readonly a1Device: DeviceIdentity = newDeviceIdentity(ALICE, 'A1');
  readonly a2Device: DeviceIdentity = newDeviceIdentity(ALICE, 'A2');
  readonly b1Device: DeviceIdentity = newDeviceIdentity(BOB, 'B1');
  readonly aliceMaster: CrossSigningKeyPair = crossSigningKey(ALICE, 'master');
  readonly aliceSelf: CrossSigningKeyPair = crossSigningKey(ALICE, 'self_signing', this.aliceMaster);
  readonly aliceUserSigning: CrossSigningKeyPair = crossSigningKey(ALICE, 'user_signing', this.aliceMaster);
  readonly bobMaster: CrossSigningKeyPair = crossSigningKey(BOB, 'master');
  /** Sync tokens taken before anyone uploaded anything (for /keys/changes and to-device reads). */
  readonly since: Record<'A1' | 'A2' | 'B1', string> = { A1: '', A2: '', B1: '' };

  // Clients once the system runs; the keys above exist before, so a test table can name them.
  a1!: MatrixClient;
  a2!: MatrixClient;
  b1!: MatrixClient;
  c1!: MatrixClient;
  anonymous!: MatrixClient;

  connect(url: string): void {
    this.a1 = new MatrixClient(url, tokenFor(ALICE, 'A1'));
    this.a2 = new MatrixClient(url, tokenFor(ALICE, 'A2'));
    this.b1 = new MatrixClient(url, tokenFor(BOB, 'B1'));
    this.c1 = new MatrixClient(url, tokenFor(CAROL, 'C1'));
    this.anonymous = new MatrixClient(url);
  }

  /** Alice's self-signing signature on A1, as uploaded in set-up. */
  get a1SignedBySelf(): Record<string, unknown> {
    return signObject(signedDeviceKeys(this.a1Device), ALICE, `ed25519:${this.aliceSelf.publicKey}`, this.aliceSelf.privateKey);
  }

  async setUp(url: string): Promise<void> {
    this.connect(url);
    for (const [device, client] of [
      ['A1', this.a1],
      ['A2', this.a2],
      ['B1', this.b1],
    ] as const)
      this.since[device] = await nextBatch(client);
    expect(
      (
        await this.a1.upload({
          device_keys: signedDeviceKeys(this.a1Device),
          one_time_keys: signedOneTimeKeys(this.a1Device, ['k1', 'k2', 'k3']),
          fallback_keys: signedFallbackKey(this.a1Device, 'f1'),
        })
      ).status,
    ).toBe(200);
    expect((await this.a2.upload({ device_keys: signedDeviceKeys(this.a2Device), one_time_keys: signedOneTimeKeys(this.a2Device, ['j1', 'j2']) })).status).toBe(
      200,
    );
    expect((await this.b1.upload({ device_keys: signedDeviceKeys(this.b1Device), one_time_keys: signedOneTimeKeys(this.b1Device, ['b1']) })).status).toBe(200);
    const aliceSigning = { master_key: this.aliceMaster.object, self_signing_key: this.aliceSelf.object, user_signing_key: this.aliceUserSigning.object };
    expect((await this.a1.request('POST', '/_matrix/client/v3/keys/device_signing/upload', aliceSigning)).status).toBe(200);
    expect((await this.b1.request('POST', '/_matrix/client/v3/keys/device_signing/upload', { master_key: this.bobMaster.object })).status).toBe(200);
    expect((await this.a1.request('POST', '/_matrix/client/v3/keys/signatures/upload', { [ALICE]: { A1: this.a1SignedBySelf } })).body).toEqual({
      failures: {},
    });
    for (const [client, owner] of [
      [this.a1, 'alice'],
      [this.c1, 'carol'],
    ] as const) {
      expect((await client.request('POST', rk('version'), { algorithm: BACKUP_ALG, auth_data: { owner } })).body).toEqual({ version: '1' });
      expect((await client.request('PUT', rk(`keys/${encodeURIComponent(ALICE_ROOM)}/s-${owner}?version=1`), sessionKey(owner))).status).toBe(200);
    }
  }

  /** Everything of Alice's the cases could reach, read back by Alice's own devices. */
  async aliceState() {
    const [keys, a1Sync, a2Sync, backup, backupKeys] = await Promise.all([
      this.a1.query({ device_keys: { [ALICE]: [] } }),
      this.a1.request('GET', '/_keyserver/v1/sync'),
      this.a2.request('GET', '/_keyserver/v1/sync'),
      this.a1.request('GET', rk('version')),
      this.a1.request('GET', rk('keys?version=1')),
    ]);
    return {
      keys: keys.body,
      oneTimeKeyCounts: { A1: a1Sync.body.device_one_time_keys_count, A2: a2Sync.body.device_one_time_keys_count },
      fallbackKeyTypes: { A1: a1Sync.body.device_unused_fallback_key_types, A2: a2Sync.body.device_unused_fallback_key_types },
      backup: backup.body,
      backupKeys: backupKeys.body,
    };
  }
}

export type AliceState = Awaited<ReturnType<AuthzFixture['aliceState']>>;

async function nextBatch(client: MatrixClient): Promise<string> {
  const sync = await client.request('GET', '/_keyserver/v1/sync');
  expect(sync.status).toBe(200);
  return sync.body.next_batch as string;
}
