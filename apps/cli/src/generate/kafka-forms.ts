import { HomeserverEvent, RoutedCommand } from '@app/contracts';
import { canonicalJson } from '@app/matrix';
import { KeyMaterial } from './key-material';
import { Operation } from './traffic-plan';
import { CommandBody, aggregateKeyOf } from '@app/domain';

/** What one operation becomes in Kafka: homeserver events and key commands (reads have no Kafka form). */
export interface KafkaForm {
  readonly homeserver: readonly HomeserverEvent[];
  readonly command: { readonly endpoint: string; readonly command: RoutedCommand } | null;
}

/**
 * Turns operations into homeserver events (the hs.v1 contract) and key commands in the envelope
 * the keys-api produces, with an empty `replyTo`: nobody waits for a reply.
 */
export class KafkaForms {
  private seq = 0;

  constructor(
    private readonly keys: KeyMaterial,
    private readonly runId: string,
  ) {}

  of(op: Operation): KafkaForm | null {
    switch (op.kind) {
      case 'hs':
        return { homeserver: op.events, command: null };
      case 'upload': {
        const body = this.keys.uploadBody(op);
        const deviceKeys = body.device_keys as Record<string, unknown> | undefined;
        const keyList = (map: unknown) =>
          Object.entries((map ?? {}) as Record<string, unknown>).map(([keyName, value]) => ({ keyName, json: canonicalJson(value) }));
        return this.command('UploadKeys', {
          userId: op.userId,
          deviceId: op.deviceId,
          deviceKeysJson: deviceKeys ? canonicalJson(deviceKeys) : null,
          oneTimeKeys: keyList(body.one_time_keys),
          fallbackKeys: keyList(body.fallback_keys),
          verifySignatures: true,
        });
      }
      case 'claim':
        return this.command('ClaimKeys', {
          userId: op.userId,
          claims: [{ deviceId: op.deviceId, algorithm: 'signed_curve25519' }],
          claimedBy: `${op.claimer}|GEN`,
        });
      case 'query':
      case 'changes':
        return null;
    }
  }

  private command<T extends RoutedCommand['type']>(type: T, data: Extract<RoutedCommand, { type: T }>['data']): KafkaForm {
    const command = {
      id: `gen:${this.runId}:${++this.seq}`,
      type,
      schemaVersion: 1,
      key: aggregateKeyOf({ type, data } as CommandBody),
      time: Date.now(),
      correlationId: `generate:${this.runId}`,
      causationId: null,
      data,
      routing: { replyTo: '' },
    } as RoutedCommand;
    return { homeserver: [], command: { endpoint: `command ${type}`, command } };
  }
}
