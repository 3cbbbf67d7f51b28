import { Injectable } from '@nestjs/common';
import { CrossSigningKeysDoc, crossSigningKeysProjection } from '@app/read-models';
import { PerUserReads } from '../read-cache/per-user-reads';
import { ReadCaches } from '../read-cache/read-caches';

/** Users' cross-signing documents (keys and the signatures they made), after the read barrier. */
@Injectable()
export class CrossSigningKeysReader {
  constructor(
    private readonly reads: PerUserReads,
    private readonly caches: ReadCaches,
  ) {}

  async read(userIds: readonly string[]): Promise<CrossSigningKeysDoc[]> {
    const docs = await this.reads.read(crossSigningKeysProjection.name, this.caches.crossSigning, userIds);
    return [...docs.values()].filter((doc): doc is CrossSigningKeysDoc => doc !== null && !doc.deleted);
  }
}
