import { newDeviceIdentity, signedDeviceKeys, signedOneTimeKeys } from '@app/testing';
import { MatrixClient, tokenFor } from '../helpers/matrix-client';
import { FuzzIdentity } from './fuzz-ids';

/**
 * A normal client flow after the fuzz run: fresh users upload, query and claim, and the fuzzed
 * users are still queryable. Returns what failed (empty: the server's state is still usable).
 */
export async function clientFlowProblems(baseUrl: string, serverName: string, fuzzed: readonly FuzzIdentity[], runId: string): Promise<string[]> {
  const problems: string[] = [];
  // Several users, so the flow crosses more than one command partition.
  for (const n of [1, 2, 3, 4]) {
    const owner = `@after-${runId}-${n}:${serverName}`;
    const identity = newDeviceIdentity(owner, 'AFTER');
    const client = new MatrixClient(baseUrl, tokenFor(owner, 'AFTER'));
    const peer = new MatrixClient(baseUrl, tokenFor(`@peer-${runId}-${n}:${serverName}`, 'PEER'));
    const uploaded = await client.upload({ device_keys: signedDeviceKeys(identity), one_time_keys: signedOneTimeKeys(identity, ['AAAAAQ', 'AAAAAg']) });
    if (uploaded.status !== 200 || uploaded.body.one_time_key_counts?.signed_curve25519 !== 2)
      problems.push(`upload by ${owner}: ${uploaded.status} ${JSON.stringify(uploaded.body)}`);
    const queried = await peer.query({ device_keys: { [owner]: [] } });
    if (queried.status !== 200 || !queried.body.device_keys?.[owner]?.AFTER)
      problems.push(`query of ${owner}: ${queried.status} ${JSON.stringify(queried.body)}`);
    const claimed = await peer.request('POST', '/_matrix/client/v3/keys/claim', { one_time_keys: { [owner]: { AFTER: 'signed_curve25519' } } });
    if (claimed.status !== 200 || Object.keys(claimed.body.one_time_keys?.[owner]?.AFTER ?? {}).length !== 1)
      problems.push(`claim of ${owner}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  }
  const everyone = Object.fromEntries(fuzzed.map((identity) => [identity.userId, []]));
  const all = await new MatrixClient(baseUrl, fuzzed[0].token).query({ device_keys: everyone });
  if (all.status !== 200) problems.push(`query of the fuzzed users: ${all.status} ${JSON.stringify(all.body)}`);
  return problems;
}
