import { SignatureFailureCode, SignaturesResult, SignedObjectUpload, StoredSignature, UploadSignaturesCommand, EventOf } from '@app/contracts';
import { own, signedBytes, verifyObjectSignature } from '@app/matrix';
import { Decision } from '../shared/decision';
import { deviceEd25519 as ed25519In } from '../shared/device-keys';
import { eventOf } from '../shared/event-of';
import { CrossSigningState, KnownDevices, signatureIdentity } from './cross-signing.state';

type Failure = { readonly code: SignatureFailureCode; readonly message: string };
type Checked = { readonly signatures: StoredSignature[] } | Failure;

const fail = (code: SignatureFailureCode, message: string): Failure => ({ code, message });
const MISMATCH = fail('SIGNED_OBJECT_MISMATCH', 'The signed object does not match the stored key');

/** Same signed content: equal without `signatures` and `unsigned`. */
const sameContent = (a: Record<string, unknown>, storedJson: string): boolean => signedBytes(a).equals(signedBytes(JSON.parse(storedJson)));

function signaturesBy(object: Record<string, unknown>, userId: string): [string, string][] {
  const mine = own(object.signatures as Record<string, Record<string, unknown>> | undefined, userId);
  if (typeof mine !== 'object' || mine === null) return [];
  return Object.entries(mine).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/**
 * The signer's own master key, signed by their devices. Clients echo back what `/keys/query` gave
 * them, so signatures already stored or recorded, and ones by keys that are not (or no longer)
 * devices, are passed over; a signature naming a current device must verify, and at least one
 * device's signature must be there.
 */
function checkOwnMaster(
  devices: KnownDevices,
  userId: string,
  upload: SignedObjectUpload,
  object: Record<string, unknown>,
  masterJson: string,
  known: ReadonlySet<string>,
): Checked {
  if (!sameContent(object, masterJson)) return MISMATCH;
  const stored = new Map(signaturesBy(JSON.parse(masterJson), userId));
  const signatures: StoredSignature[] = [];
  let byDevice = false;
  for (const [signerKeyId, signature] of signaturesBy(object, userId)) {
    const deviceKey = signerKeyId.startsWith('ed25519:') ? deviceEd25519(devices, signerKeyId.slice('ed25519:'.length)) : undefined;
    if (!deviceKey) continue;
    const entry: StoredSignature = { targetUserId: userId, keyId: upload.keyId, targetKey: upload.keyId, signerKeyId, signature };
    byDevice = true;
    if (stored.get(signerKeyId) === signature || known.has(signatureIdentity(entry))) continue;
    if (!verifyObjectSignature(object, userId, signerKeyId, deviceKey)) return fail('INVALID_SIGNATURE', `Invalid signature by ${signerKeyId}`);
    signatures.push(entry);
  }
  return byDevice ? { signatures } : fail('INVALID_SIGNATURE', 'The master key must carry a signature by one of your devices');
}

/** One of the signer's own devices, signed by their self-signing key. */
function checkOwnDevice(
  state: CrossSigningState,
  devices: KnownDevices,
  userId: string,
  upload: SignedObjectUpload,
  object: Record<string, unknown>,
  keysJson: string,
): Checked {
  const selfSigning = state.crossSigning?.keys.self_signing;
  if (!selfSigning) return fail('INVALID_SIGNATURE', 'You have no self-signing key to sign devices with');
  if (!sameContent(object, keysJson)) return MISMATCH;
  const signerKeyId = `ed25519:${selfSigning.publicKey}`;
  if (!verifyObjectSignature(object, userId, signerKeyId, selfSigning.publicKey))
    return fail('INVALID_SIGNATURE', 'The device must carry a valid signature by your self-signing key');
  const signature = signaturesBy(object, userId).find(([id]) => id === signerKeyId)![1];
  return { signatures: [{ targetUserId: userId, keyId: upload.keyId, targetKey: deviceEd25519(devices, upload.keyId)!, signerKeyId, signature }] };
}

/** Another user's master key (the API checked it is their current one), signed by the signer's user-signing key. */
function checkOtherMaster(state: CrossSigningState, userId: string, upload: SignedObjectUpload, object: Record<string, unknown>): Checked {
  const userSigning = state.crossSigning?.keys.user_signing;
  if (!userSigning) return fail('INVALID_SIGNATURE', 'You have no user-signing key to sign other users with');
  const keys = object.keys as Record<string, unknown> | undefined;
  if (own(keys, `ed25519:${upload.keyId}`) !== upload.keyId) return MISMATCH;
  const signerKeyId = `ed25519:${userSigning.publicKey}`;
  if (!verifyObjectSignature(object, userId, signerKeyId, userSigning.publicKey))
    return fail('INVALID_SIGNATURE', 'The key must carry a valid signature by your user-signing key');
  const signature = signaturesBy(object, userId).find(([id]) => id === signerKeyId)![1];
  return { signatures: [{ targetUserId: upload.targetUserId, keyId: upload.keyId, targetKey: upload.keyId, signerKeyId, signature }] };
}

function deviceEd25519(devices: KnownDevices, deviceId: string): string | undefined {
  const json = devices.keysJsonOf(deviceId);
  return json ? ed25519In(json, deviceId) : undefined;
}

function check(state: CrossSigningState, devices: KnownDevices, userId: string, upload: SignedObjectUpload, known: ReadonlySet<string>): Checked {
  const object = JSON.parse(upload.json) as Record<string, unknown>;
  if (upload.targetUserId !== userId) return checkOtherMaster(state, userId, upload, object);
  const master = state.crossSigning?.keys.master;
  if (master && upload.keyId === master.publicKey) return checkOwnMaster(devices, userId, upload, object, master.json, known);
  const keysJson = devices.keysJsonOf(upload.keyId);
  if (keysJson) return checkOwnDevice(state, devices, userId, upload, object, keysJson);
  return fail('UNKNOWN_KEY', `You have no device or master key ${upload.keyId}`);
}

/**
 * Signatures uploaded by one user, decided by that user's partition owner, who holds the signing
 * keys that must verify them. Each object succeeds or fails on its own (failures come back with
 * the result) on the one signature it is for; other signatures it carries (copied from
 * `/keys/query`, say) are passed over, as the spec compares objects without their signatures.
 * Signatures already recorded are not recorded again.
 */
export function decideUploadSignatures(state: CrossSigningState, command: UploadSignaturesCommand, devices: KnownDevices): Decision {
  const { userId, objects } = command.data;
  const known = new Set(state.crossSigning?.signatures ?? []);
  const failures: SignaturesResult['failures'][number][] = [];
  const added: StoredSignature[] = [];
  for (const upload of objects) {
    const checked = check(state, devices, userId, upload, known);
    if ('code' in checked) {
      failures.push({ targetUserId: upload.targetUserId, keyId: upload.keyId, code: checked.code, message: checked.message });
      continue;
    }
    for (const signature of checked.signatures) {
      if (known.has(signatureIdentity(signature))) continue;
      known.add(signatureIdentity(signature));
      added.push(signature);
    }
  }
  const events = added.length === 0 ? [] : [eventOf<EventOf<'SignaturesUploaded'>>(command, 0, 'SignaturesUploaded', { userId, signatures: added })];
  return { ok: true, events, result: { kind: 'signatures', failures } };
}
