import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { SignedObjectUpload } from '@app/contracts';
import { CanonicalJsonError, MatrixError, canonicalJson, isLocalUser, isUserId, signedBytes } from '@app/matrix';
import { AccessTokenGuard } from '../auth/access-token.guard';
import { CurrentRequester, Requester } from '../auth/requester';
import { clientPaths } from '../client-paths';
import { CommandGateway } from '../command-gateway/command-gateway';
import { rejectionToMatrixError, signatureFailureErrcode } from '../command-gateway/rejection-errors';
import { KEYS_API_SETTINGS, KeysApiSettings } from '../config/keys-api.settings';
import { publicKeyOf } from '@app/read-models';
import { CrossSigningKeysReader } from './cross-signing-keys.reader';

/** Most signed objects in one upload (a client signs a handful at a time). */
export const MAX_SIGNED_OBJECTS = 1000;

type Failures = Record<string, Record<string, { errcode: string; error: string }>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);


/**
 * POST /keys/signatures/upload: `{user id: {key id: signed object}}`. The uploader's partition owner
 * verifies each signature with the uploader's keys; here, objects naming another user are checked
 * against that user's current master key (the only key of someone else one may sign). Every
 * object either is recorded or comes back in `failures`, with 200 either way.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class SignaturesUploadController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly crossSigningKeys: CrossSigningKeysReader,
    @Inject(KEYS_API_SETTINGS) private readonly settings: KeysApiSettings,
  ) {}

  @Post(clientPaths('keys/signatures/upload'))
  @HttpCode(200)
  async upload(@CurrentRequester() requester: Requester, @Body() body: unknown, @Req() request: { id: string }): Promise<{ failures: Failures }> {
    if (!isObject(body)) throw new MatrixError('M_BAD_JSON', 'The body must be a JSON object');
    const failures: Failures = {};
    const failed = (userId: string, keyId: string, errcode: string, error: string) => (failures[userId] = { ...failures[userId], [keyId]: { errcode, error } });
    const candidates: { targetUserId: string; keyId: string; object: Record<string, unknown> }[] = [];
    for (const [targetUserId, objects] of Object.entries(body)) {
      if (!isUserId(targetUserId)) throw new MatrixError('M_INVALID_PARAM', `Not a user id: ${targetUserId}`);
      if (!isObject(objects)) throw new MatrixError('M_INVALID_PARAM', `${targetUserId} must map key ids to signed objects`);
      for (const [keyId, object] of Object.entries(objects)) {
        if (!isObject(object)) throw new MatrixError('M_INVALID_PARAM', `${targetUserId}/${keyId} must be a signed key object`);
        candidates.push({ targetUserId, keyId, object });
      }
    }
    if (candidates.length > MAX_SIGNED_OBJECTS) throw new MatrixError('M_TOO_LARGE', `At most ${MAX_SIGNED_OBJECTS} signed objects per upload`, 413);

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
    const outcome = await this.gateway.execute({ type: 'UploadSignatures', key: requester.userId, data: { userId: requester.userId, objects: uploads } }, request.id);
    if (!outcome.ok) throw rejectionToMatrixError(outcome.rejection);
    if (outcome.result.kind === 'signatures') for (const f of outcome.result.failures) failed(f.targetUserId, f.keyId, signatureFailureErrcode(f.code), f.message);
    return { failures };
  }
}
