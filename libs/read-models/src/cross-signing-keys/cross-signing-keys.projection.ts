import { Collection } from 'mongodb';
import { DomainEvent } from '@app/contracts';
import { DocMeta, ProjectedDoc, Projection } from '../projection/projection';

/** A user's cross-signing keys as uploaded (canonical JSON), one document per user. */
export interface CrossSigningKeysDoc extends ProjectedDoc {
  readonly userId: string;
  readonly master: string | null;
  readonly selfSigning: string | null;
  readonly userSigning: string | null;
}

export const crossSigningKeysProjection: Projection<CrossSigningKeysDoc> = {
  name: 'cross-signing-keys',
  handles: ['CrossSigningKeysUploaded'],
  documentId: (event) => (event.data as { userId: string }).userId,
  evolve(doc: CrossSigningKeysDoc | null, event: DomainEvent, meta: DocMeta): CrossSigningKeysDoc | null {
    if (event.type !== 'CrossSigningKeysUploaded') return doc;
    const next = { master: doc?.master ?? null, selfSigning: doc?.selfSigning ?? null, userSigning: doc?.userSigning ?? null };
    for (const key of event.data.keys) {
      if (key.kind === 'master') next.master = key.json;
      else if (key.kind === 'self_signing') next.selfSigning = key.json;
      else next.userSigning = key.json;
    }
    return { _id: event.data.userId, _meta: meta, userId: event.data.userId, ...next };
  },
  indexes: [],
};

export async function crossSigningKeysOf(collection: Collection<CrossSigningKeysDoc>, userIds: readonly string[]): Promise<CrossSigningKeysDoc[]> {
  if (userIds.length === 0) return [];
  return (await collection.find({ _id: { $in: [...userIds] }, deleted: { $ne: true } } as never).toArray()) as CrossSigningKeysDoc[];
}
