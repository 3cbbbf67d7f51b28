import { SignaturesResult, SignaturesUploaded, SignedObjectUpload, StoredSignature, UploadSignaturesCommand } from '@app/contracts';
import { signedBytes, verifyObjectSignature } from '@app/matrix';
import { Decision } from '../user-keys/decision';
import { eventOf } from '../user-keys/event-of';
import { UserKeysState } from '../user-keys/user-keys.state';

type Failure = { readonly errcode: string; readonly error: string };
type Checked = { readonly signatures: StoredSignature[] } | Failure;

const fail = (errcode: string, error: string): Failure => ({ errcode, error });
const MISMATCH = fail('M_INVALID_PARAM', 'The signed object does not match the stored key');

/** Identity of a stored signature, to tell a re-upload from a new one. */
export const signatureIdentity = (s: StoredSignature): string => `${s.targetUserId}|${s.targetKey}|${s.signerKeyId}|${s.signature}`;

/** Same signed content: equal without `signatures` and `unsigned`. */
const sameContent = (a: Record<string, unknown>, storedJson: string): boolean => signedBytes(a).equals(signedBytes(JSON.parse(storedJson)));

function signaturesBy(object: Record<string, unknown>, userId: string): [string, string][] {
  const mine = (object.signatures as Record<string, Record<string, unknown>> | undefined)?.[userId];
  if (typeof mine !== 'object' || mine === null) return [];
  return Object.entries(mine).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/**
 * The signer's own master key, signed by one of their devices: every signature not already on the
 * stored key must verify with the device it names.
 */
function checkOwnMaster(state: UserKeysState, userId: string, upload: SignedObjectUpload, object: Record<string, unknown>, masterJson: string): Checked {
  if (!sameContent(object, masterJson)) return MISMATCH;
  const stored = new Map(signaturesBy(JSON.parse(masterJson), userId));
  const signatures: StoredSignature[] = [];
  for (const [signerKeyId, signature] of signaturesBy(object, userId)) {
    if (stored.get(signerKeyId) === signature) continue;
    const deviceKey = deviceEd25519(state, signerKeyId.slice('ed25519:'.length));
    if (!signerKeyId.startsWith('ed25519:') || !deviceKey) return fail('M_INVALID_SIGNATURE', `${signerKeyId} is not one of your devices`);
    if (!verifyObjectSignature(object, userId, signerKeyId, deviceKey)) return fail('M_INVALID_SIGNATURE', `Invalid signature by ${signerKeyId}`);
    signatures.push({ targetUserId: userId, keyId: upload.keyId, targetKey: upload.keyId, signerKeyId, signature });
  }
  return { signatures };
}

/** One of the signer's own devices, signed by their self-signing key. */
function checkOwnDevice(state: UserKeysState, userId: string, upload: SignedObjectUpload, object: Record<string, unknown>, keysJson: string): Checked {
  const selfSigning = state.crossSigning?.keys.self_signing;
  if (!selfSigning) return fail('M_INVALID_SIGNATURE', 'You have no self-signing key to sign devices with');
  if (!sameContent(object, keysJson)) return MISMATCH;
  const signerKeyId = `ed25519:${selfSigning.publicKey}`;
  if (!verifyObjectSignature(object, userId, signerKeyId, selfSigning.publicKey)) return fail('M_INVALID_SIGNATURE', 'The device must carry a valid signature by your self-signing key');
  const unexpected = unexpectedSignature(object, userId, signerKeyId, keysJson);
  if (unexpected) return unexpected;
  const signature = signaturesBy(object, userId).find(([id]) => id === signerKeyId)![1];
  return { signatures: [{ targetUserId: userId, keyId: upload.keyId, targetKey: deviceEd25519(state, upload.keyId)!, signerKeyId, signature }] };
}

/** Another user's master key (the API checked it is their current one), signed by the signer's user-signing key. */
function checkOtherMaster(state: UserKeysState, userId: string, upload: SignedObjectUpload, object: Record<string, unknown>): Checked {
  const userSigning = state.crossSigning?.keys.user_signing;
  if (!userSigning) return fail('M_INVALID_SIGNATURE', 'You have no user-signing key to sign other users with');
  const keys = object.keys as Record<string, unknown> | undefined;
  if (keys?.[`ed25519:${upload.keyId}`] !== upload.keyId) return MISMATCH;
  const signerKeyId = `ed25519:${userSigning.publicKey}`;
  if (!verifyObjectSignature(object, userId, signerKeyId, userSigning.publicKey)) return fail('M_INVALID_SIGNATURE', 'The key must carry a valid signature by your user-signing key');
  const unexpected = unexpectedSignature(object, userId, signerKeyId, null);
  if (unexpected) return unexpected;
  const signature = signaturesBy(object, userId).find(([id]) => id === signerKeyId)![1];
  return { signatures: [{ targetUserId: upload.targetUserId, keyId: upload.keyId, targetKey: upload.keyId, signerKeyId, signature }] };
}

/**
 * A signature of the uploader's that is neither the one being recorded nor already on the stored
 * key cannot be recorded: the object fails rather than being stored in part.
 */
function unexpectedSignature(object: Record<string, unknown>, userId: string, recordedKeyId: string, storedJson: string | null): Failure | null {
  const stored = new Map(storedJson ? signaturesBy(JSON.parse(storedJson), userId) : []);
  const extra = signaturesBy(object, userId).find(([id, sig]) => id !== recordedKeyId && stored.get(id) !== sig);
  return extra ? fail('M_INVALID_SIGNATURE', `A signature by ${extra[0]} cannot be recorded on this key`) : null;
}

function deviceEd25519(state: UserKeysState, deviceId: string): string | undefined {
  const json = state.devices[deviceId]?.keysJson;
  if (!json) return undefined;
  const key = (JSON.parse(json) as { keys?: Record<string, unknown> }).keys?.[`ed25519:${deviceId}`];
  return typeof key === 'string' ? key : undefined;
}

function check(state: UserKeysState, userId: string, upload: SignedObjectUpload): Checked {
  const object = JSON.parse(upload.json) as Record<string, unknown>;
  if (upload.targetUserId !== userId) return checkOtherMaster(state, userId, upload, object);
  const master = state.crossSigning?.keys.master;
  if (master && upload.keyId === master.publicKey) return checkOwnMaster(state, userId, upload, object, master.json);
  const device = state.devices[upload.keyId];
  if (device?.keysJson) return checkOwnDevice(state, userId, upload, object, device.keysJson);
  return fail('M_NOT_FOUND', `You have no device or master key ${upload.keyId}`);
}

/**
 * Signatures uploaded by one user, decided by that user's partition owner, who holds the signing
 * keys that must verify them. Each object succeeds or fails on its own (failures come back with
 * the result); signatures already recorded are not recorded again.
 */
export function decideUploadSignatures(state: UserKeysState, command: UploadSignaturesCommand): Decision {
  const { userId, objects } = command.data;
  const known = new Set(state.crossSigning?.signatures ?? []);
  const failures: SignaturesResult['failures'][number][] = [];
  const added: StoredSignature[] = [];
  for (const upload of objects) {
    const checked = check(state, userId, upload);
    if ('errcode' in checked) {
      failures.push({ targetUserId: upload.targetUserId, keyId: upload.keyId, errcode: checked.errcode, error: checked.error });
      continue;
    }
    for (const signature of checked.signatures) {
      if (known.has(signatureIdentity(signature))) continue;
      known.add(signatureIdentity(signature));
      added.push(signature);
    }
  }
  const events = added.length === 0 ? [] : [eventOf<SignaturesUploaded>(command, 0, 'SignaturesUploaded', { userId, signatures: added })];
  return { ok: true, events, result: { kind: 'signatures', failures } };
}
