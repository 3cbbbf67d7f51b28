import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { suiteEnv } from '../helpers/suite-env';
import { ServiceProcess, startApiBeside, systemForSuite } from '../helpers/system';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { claimedKeysInLog, expectNoKeyClaimedTwice } from '../helpers/claims';

/**
 * One device uploads 1,000 one-time keys; then 1,002 claims are made one at a time while every
 * snapshot write of the processor lands late (written every 20 ms, each 150 ms late), so writes
 * are in flight while the next claims are decided. Exactly the 1,000 keys go out, once each, then
 * two empty answers; also across a SIGKILL and restart of the processor half-way.
 */
describe.each([
  ['with snapshot writes landing late', false],
  ['and a SIGKILL of the processor half-way', true],
])('1,002 sequential claims of 1,000 keys %s', (_name, crash) => {
  // One claimer draining one device with 1,002 claims back to back is exactly the loop the claim
  // limits stop: they are off here, as the test is about the processor's snapshots.
  const env = suiteEnv(crash ? 'late-snap-kill' : 'late-snap', {
    SNAPSHOT_INTERVAL_MS: '20',
    SNAPSHOT_WRITE_DELAY_MS: '150',
    COMMAND_TIMEOUT_MS: '60000',
    RATE_LIMITS: 'off',
  });
  const processor = ServiceProcess.processor(env);
  const api = systemForSuite(env, () => startApiBeside(processor, env));

  // 1,002 command round trips one after another (and a rebalance after the kill): minutes on a busy machine.
  it('hands out each key exactly once, then nothing', async () => {
    const target = '@pool:test.local';
    const device = newDeviceIdentity(target, 'POOL');
    const ids = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const owner = new MatrixClient(api.url, tokenFor(target, 'POOL'));
    const uploaded = await owner.upload({ device_keys: signedDeviceKeys(device), one_time_keys: signedOneTimeKeys(device, ids) });
    expect(uploaded.body).toEqual({ one_time_key_counts: { signed_curve25519: 1000 } });

    const claimer = new MatrixClient(api.url, tokenFor('@claimer:test.local', 'C'));
    const claim = () => claimer.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [target]: { POOL: 'signed_curve25519' } } });
    const answers: string[][] = [];
    for (let i = 0; i < 1002; i++) {
      const pending = claim();
      if (crash && i === 500) {
        // Killed while this claim is on its way: it is decided (again, if it was) by the restarted processor.
        await processor.kill('SIGKILL');
        await processor.start();
      }
      const result = await pending;
      expect(result.status).toBe(200);
      answers.push(Object.keys(result.body.one_time_keys[target]?.POOL ?? {}));
    }

    const handedOut = answers.flat();
    expect(handedOut.length).toBe(1000);
    expect(new Set(handedOut).size).toBe(1000);
    expect(answers.filter((a) => a.length === 0).length).toBe(2);
    expect(await expectNoKeyClaimedTwice(env)).toBe(1000);
    expect((await claimedKeysInLog(env)).map((k) => k.split('|')[2]).sort()).toEqual([...handedOut].sort());
  }, 900_000);
});
