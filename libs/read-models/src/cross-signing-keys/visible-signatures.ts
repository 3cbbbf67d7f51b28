import { StoredSignature } from '@app/contracts';
import { CrossSigningKeysDoc } from './cross-signing-keys.projection';

/** `{signer user: {signer key id: signature}}`, the shape of a key's `signatures`. */
export type Signatures = Record<string, Record<string, string>>;

/** The ed25519 public key of a stored cross-signing key (its only `keys` entry). */
export const publicKeyOf = (json: string | null): string | null => {
  if (!json) return null;
  const keys = (JSON.parse(json) as { keys?: Record<string, string> }).keys ?? {};
  return Object.values(keys)[0] ?? null;
};

function add(into: Signatures, signer: string, signature: StoredSignature): void {
  into[signer] = { ...into[signer], [signature.signerKeyId]: signature.signature };
}

/**
 * Pure: the recorded signatures a reader may see, following the spec's list ("to avoid leaking of
 * social graphs"), and only those made by a signer's current key on the signed key's current
 * version (a replaced key's old signatures are not shown):
 * - on a user's device: the user's self-signing key's signature, seen by everyone;
 * - on a user's master key: the user's own devices' signatures, seen by everyone; and the
 *   reader's own user-signing key's signature, seen by the reader only.
 * `docs` are the cross-signing documents of the queried users and of the reader.
 */
export class VisibleSignatures {
  private readonly byUser: Map<string, CrossSigningKeysDoc>;

  constructor(
    /** Null when nobody in particular reads (then no user-signing signature is shown). */
    private readonly reader: string | null,
    docs: readonly CrossSigningKeysDoc[],
  ) {
    this.byUser = new Map(docs.map((d) => [d.userId, d]));
  }

  /** Signatures to merge into `userId`'s device `deviceId`, whose ed25519 key is `deviceKey`. */
  onDevice(userId: string, deviceId: string, deviceKey: string): Signatures {
    const doc = this.byUser.get(userId);
    const selfSigning = publicKeyOf(doc?.selfSigning ?? null);
    const result: Signatures = {};
    if (!doc || !selfSigning) return result;
    for (const s of doc.signatures ?? []) {
      if (s.targetUserId === userId && s.keyId === deviceId && s.targetKey === deviceKey && s.signerKeyId === `ed25519:${selfSigning}`) add(result, userId, s);
    }
    return result;
  }

  /** Signatures to merge into `userId`'s master key. */
  onMaster(userId: string): Signatures {
    const doc = this.byUser.get(userId);
    const master = publicKeyOf(doc?.master ?? null);
    const result: Signatures = {};
    if (!doc || !master) return result;
    for (const s of doc.signatures ?? []) {
      if (s.targetUserId === userId && s.targetKey === master && s.signerKeyId !== `ed25519:${master}`) add(result, userId, s);
    }
    const reader = this.reader === null ? undefined : this.byUser.get(this.reader);
    const readerUserSigning = publicKeyOf(reader?.userSigning ?? null);
    if (this.reader !== null && this.reader !== userId && reader && readerUserSigning) {
      for (const s of reader.signatures ?? []) {
        if (s.targetUserId === userId && s.targetKey === master && s.signerKeyId === `ed25519:${readerUserSigning}`) add(result, this.reader, s);
      }
    }
    return result;
  }
}

/** Merges extra signatures into a key object's own. */
export function withSignatures(object: Record<string, unknown>, extra: Signatures): Record<string, unknown> {
  if (Object.keys(extra).length === 0) return object;
  const own = (object.signatures ?? {}) as Signatures;
  const merged: Signatures = { ...own };
  for (const [user, sigs] of Object.entries(extra)) merged[user] = { ...own[user], ...sigs };
  return { ...object, signatures: merged };
}
