import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { SignedObjectUpload } from '@app/contracts';
import { CanonicalJsonError, canonicalJson, isLocalUser, signedBytes } from '@app/matrix';
import { publicKeyOf } from '@app/read-models';
import { CommandGateway } from '../../command-gateway/command-gateway';
import { rejectionToMatrixError, signatureFailureErrcode } from '../../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../../config/keys-api.settings';
import { CrossSigningKeysReader } from '../cross-signing-keys.reader';
import { SignatureFailures, UploadSignaturesResponse } from './upload-signatures.dto';
import { UploadSignaturesRequest } from './upload-signatures.command';
import { signedObjectsOf } from './signed-objects.check';

/**
 * The uploader's partition owner verifies each signature with the uploader's keys; here, objects
 * naming another user are checked against that user's current master key (the only key of someone
 * else one may sign). Every object either is recorded or comes back in `failures`.
 */
@CommandHandler(UploadSignaturesRequest)
export class UploadSignaturesHandler implements ICommandHandler<UploadSignaturesRequest, UploadSignaturesResponse> {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly crossSigningKeys: CrossSigningKeysReader,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  async execute({ requester, body, correlationId }: UploadSignaturesRequest): Promise<UploadSignaturesResponse> {
    const candidates = signedObjectsOf(body);
    const failures: SignatureFailures = {};
    const failed = (userId: string, keyId: string, errcode: string, error: string) => (failures[userId] = { ...failures[userId], [keyId]: { errcode, error } });
    const others = [...new Set(candidates.map((c) => c.targetUserId).filter((u) => u !== requester.userId && isLocalUser(u, this.settings.serverName)))];
    const masters = new Map((await this.crossSigningKeys.read(others)).map((d) => [d.userId, d.master]));
    const uploads: SignedObjectUpload[] = [];
    for (const { targetUserId, keyId, object } of candidates) {
      let json: string;
      try {
        json = canonicalJson(object);
      } catch (err) {
        if (err instanceof CanonicalJsonError) failed(targetUserId, keyId, 'M_BAD_JSON', err.message);
        else throw err;
        continue;
      }
      if (targetUserId !== requester.userId) {
        if (!isLocalUser(targetUserId, this.settings.serverName)) {
          failed(targetUserId, keyId, 'M_UNRECOGNIZED', 'Signing users of other servers needs federation, which this key server does not offer yet');
          continue;
        }
        const master = masters.get(targetUserId);
        if (!master || publicKeyOf(master) !== keyId) {
          failed(targetUserId, keyId, 'M_NOT_FOUND', `${keyId} is not ${targetUserId}'s master key (only other users' master keys can be signed)`);
          continue;
        }
        if (!signedBytes(object).equals(signedBytes(JSON.parse(master)))) {
          failed(targetUserId, keyId, 'M_INVALID_PARAM', 'The signed object does not match the stored key');
          continue;
        }
      }
      uploads.push({ targetUserId, keyId, json });
    }
    if (uploads.length === 0) return { failures };
    const outcome = await this.gateway.execute({ type: 'UploadSignatures', data: { userId: requester.userId, objects: uploads } }, correlationId);
    if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
    if (outcome.result.kind === 'signatures')
      for (const f of outcome.result.failures) failed(f.targetUserId, f.keyId, signatureFailureErrcode(f.code), f.message);
    return { failures };
  }
}
