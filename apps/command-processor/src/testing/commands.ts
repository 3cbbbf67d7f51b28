import { ClaimKeysCommand, CommandReply, RoutedCommand, UploadKeysCommand } from '@app/contracts';

/** Commands of one user's device `DEV` as the processor receives them, for specs. */
export function commandsOf(userId: string) {
  const routed = (command: Pick<UploadKeysCommand | ClaimKeysCommand, 'id' | 'type' | 'data'>): RoutedCommand =>
    ({ schemaVersion: 1, key: userId, time: 1, correlationId: command.id, causationId: null, routing: { replyTo: 'api-1' }, ...command }) as RoutedCommand;
  return {
    /** Uploads one-time keys `signed_curve25519:<id>` for each id. */
    upload: (id: string, keyIds: readonly string[]): RoutedCommand =>
      routed({
        id,
        type: 'UploadKeys',
        data: {
          userId,
          deviceId: 'DEV',
          deviceKeysJson: null,
          oneTimeKeys: keyIds.map((k) => ({ keyName: `signed_curve25519:${k}`, json: JSON.stringify({ key: k }) })),
          fallbackKeys: [],
          verifySignatures: false,
        },
      }),
    claim: (id: string): RoutedCommand =>
      routed({ id, type: 'ClaimKeys', data: { userId, claims: [{ deviceId: 'DEV', algorithm: 'signed_curve25519' }], claimedBy: '@bob:example.org|B' } }),
  };
}

/** The one-time key ids a claim reply hands out (`A` for `signed_curve25519:A`), or the reply itself. */
export const claimedKeyIds = (reply: CommandReply | undefined): string[] | CommandReply | undefined =>
  reply?.outcome.ok && reply.outcome.result.kind === 'claim' ? reply.outcome.result.claimed.map((c) => c.keyName.split(':')[1]) : reply;
