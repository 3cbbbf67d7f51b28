import { StoredSignature } from '@app/contracts';
import { EventOf, ProjectedDoc, Projection, userOfEvent } from '../projection/projection';

/**
 * A user's cross-signing keys as uploaded (canonical JSON), and every signature the user made that
 * was verified, one document per user. Which signatures a reader sees is decided when reading
 * (`visible-signatures.ts`), so a replaced key's signatures need no rewriting here.
 */
export interface CrossSigningKeysDoc extends ProjectedDoc {
  readonly userId: string;
  readonly master: string | null;
  readonly selfSigning: string | null;
  readonly userSigning: string | null;
  readonly signatures?: readonly StoredSignature[];
}

const sameSignature = (a: StoredSignature, b: StoredSignature): boolean =>
  a.targetUserId === b.targetUserId && a.targetKey === b.targetKey && a.signerKeyId === b.signerKeyId && a.keyId === b.keyId;

const HANDLES = ['CrossSigningKeysUploaded', 'SignaturesUploaded'] as const;
export const crossSigningKeysProjection: Projection<CrossSigningKeysDoc, EventOf<(typeof HANDLES)[number]>> = {
  name: 'cross-signing-keys',
  handles: HANDLES,
  documentId: userOfEvent,
  evolve(doc, event, meta) {
    const base = {
      master: doc?.master ?? null,
      selfSigning: doc?.selfSigning ?? null,
      userSigning: doc?.userSigning ?? null,
      signatures: doc?.signatures ?? [],
    };
    switch (event.type) {
      case 'SignaturesUploaded': {
        // The newest signature by a signing key on a key replaces an older one (a signing key signs once).
        const kept = base.signatures.filter((s) => !event.data.signatures.some((n) => sameSignature(s, n)));
        return { _id: event.data.userId, _meta: meta, userId: event.data.userId, ...base, signatures: [...kept, ...event.data.signatures] };
      }
      case 'CrossSigningKeysUploaded':
        for (const key of event.data.keys) {
          if (key.kind === 'master') base.master = key.json;
          else if (key.kind === 'self_signing') base.selfSigning = key.json;
          else base.userSigning = key.json;
        }
        return { _id: event.data.userId, _meta: meta, userId: event.data.userId, ...base };
      default: {
        const unhandled: never = event;
        throw new Error(`cross-signing-keys projection: unhandled ${(unhandled as { type: string }).type}`);
      }
    }
  },
  indexes: [],
};
