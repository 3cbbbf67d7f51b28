import { MatrixError } from '@app/matrix';
import { encodeStreamToken } from '@app/contracts';
import { SendToDeviceDto, SendToDevicePathDto } from '../send-to-device/send-to-device.dto';
import { KeyChangesDto } from '../key-changes/key-changes.dto';
import { SyncExtensionDto } from '../sync-extension/sync-extension.dto';
import { PUSH_TRANSACTION_INVALID, PushTransactionDto } from '../appservice/push-transaction.dto';
import { AllowReplacementPathDto } from '../cross-signing/allow-replacement/allow-replacement.dto';
import { UploadCrossSigningKeysDto } from '../cross-signing/upload-cross-signing-keys/upload-cross-signing-keys.dto';
import { UploadSignaturesDto } from '../cross-signing/upload-signatures/upload-signatures.dto';
import { BackupVersionDto } from '../room-keys/backup-version.dto';
import { BackupKeysParamsDto } from '../room-keys/backup-keys-params.dto';
import { BODY_NOT_AN_OBJECT, validateBody, validateParams } from './validate-body';

type Dto = new () => object;

/** `status errcode: error`, or `ok`: the whole Matrix error, as the endpoints have always answered. */
function answer(check: () => void): string {
  try {
    check();
    return 'ok';
  } catch (err) {
    const e = err as MatrixError;
    return `${e.status} ${e.errcode}: ${e.message}`;
  }
}

const token = encodeStreamToken([0, 1]);

describe('use-case DTOs keep the Matrix errors of the parsers they replaced', () => {
  it.each<[string, Dto, Record<string, unknown>, string]>([
    ['an empty event type', SendToDevicePathDto, { eventType: '' }, '400 M_INVALID_PARAM: Invalid event type'],
    ['an event type', SendToDevicePathDto, { eventType: 'm.room_key_request' }, 'ok'],
    ['/keys/changes without from', KeyChangesDto, {}, '400 M_INVALID_PARAM: from must be a token from a previous sync'],
    [
      '/keys/changes with a foreign from',
      KeyChangesDto,
      { from: 'nope' },
      expect.stringMatching(/^400 M_INVALID_PARAM: from is not a valid token: /) as unknown as string,
    ],
    ['/keys/changes with a bad to', KeyChangesDto, { from: token, to: '' }, '400 M_INVALID_PARAM: to must be a token from a previous sync'],
    ['/keys/changes with from and to', KeyChangesDto, { from: token, to: token }, 'ok'],
    ['/keys/changes with from only', KeyChangesDto, { from: token, to: undefined }, 'ok'],
    ['sync with a repeated since', SyncExtensionDto, { since: [token, token] }, '400 M_INVALID_PARAM: since must be a token from a previous sync'],
    [
      'sync with a bad since and a bad timeout',
      SyncExtensionDto,
      { since: 'x', timeout: 'soon' },
      expect.stringMatching(/^400 M_INVALID_PARAM: since is not a valid token/) as unknown as string,
    ],
    ['sync with a 10-digit timeout', SyncExtensionDto, { timeout: '1234567890' }, '400 M_INVALID_PARAM: timeout must be a number of milliseconds'],
    ['sync with a repeated timeout', SyncExtensionDto, { timeout: ['1', '2'] }, '400 M_INVALID_PARAM: timeout must be a number of milliseconds'],
    ['sync with nothing', SyncExtensionDto, {}, 'ok'],
    ['an admin call for a non-user', AllowReplacementPathDto, { userId: 'alice' }, '400 M_INVALID_PARAM: Not a local user id'],
    ['backup keys without version', BackupKeysParamsDto, {}, '400 M_MISSING_PARAM: The version query parameter is required'],
    ['backup keys with an empty version', BackupKeysParamsDto, { version: '' }, '400 M_MISSING_PARAM: The version query parameter is required'],
    ['backup keys with two versions', BackupKeysParamsDto, { version: ['1', '2'] }, '400 M_MISSING_PARAM: The version query parameter is required'],
  ])('parameters: %s', (_name, dto, params, expected) => {
    expect(answer(() => validateParams(dto, params))).toEqual(expected);
  });

  it.each<[string, Dto, unknown, string, string?]>([
    ['to-device: an array', SendToDeviceDto, [], `400 M_BAD_JSON: ${BODY_NOT_AN_OBJECT}`, BODY_NOT_AN_OBJECT],
    ['to-device: no messages', SendToDeviceDto, {}, '400 M_BAD_JSON: messages must be an object', BODY_NOT_AN_OBJECT],
    ['to-device: messages an array', SendToDeviceDto, { messages: [] }, '400 M_BAD_JSON: messages must be an object', BODY_NOT_AN_OBJECT],
    ['to-device: an empty map', SendToDeviceDto, { messages: {} }, 'ok', BODY_NOT_AN_OBJECT],
    ['push: null', PushTransactionDto, null, `400 M_BAD_JSON: ${PUSH_TRANSACTION_INVALID}`, PUSH_TRANSACTION_INVALID],
    ['push: an array', PushTransactionDto, [], `400 M_BAD_JSON: ${PUSH_TRANSACTION_INVALID}`, PUSH_TRANSACTION_INVALID],
    ['push: events an object', PushTransactionDto, { events: {} }, `400 M_BAD_JSON: ${PUSH_TRANSACTION_INVALID}`, PUSH_TRANSACTION_INVALID],
    ['push: events', PushTransactionDto, { events: [1, {}] }, 'ok', PUSH_TRANSACTION_INVALID],
    ['device signing: a string', UploadCrossSigningKeysDto, 'x', `400 M_BAD_JSON: ${BODY_NOT_AN_OBJECT}`, BODY_NOT_AN_OBJECT],
    ['device signing: anything in the fields (checked later, in order)', UploadCrossSigningKeysDto, { master_key: 5, auth: 'x' }, 'ok', BODY_NOT_AN_OBJECT],
    ['signatures: an array', UploadSignaturesDto, [], `400 M_BAD_JSON: ${BODY_NOT_AN_OBJECT}`, BODY_NOT_AN_OBJECT],
    ['signatures: a map', UploadSignaturesDto, { '@a:example.org': {} }, 'ok', BODY_NOT_AN_OBJECT],
    ['backup version: no algorithm', BackupVersionDto, { auth_data: {} }, '400 M_BAD_JSON: algorithm must be a non-empty string', BODY_NOT_AN_OBJECT],
    [
      'backup version: an empty algorithm',
      BackupVersionDto,
      { algorithm: '', auth_data: {} },
      '400 M_BAD_JSON: algorithm must be a non-empty string',
      BODY_NOT_AN_OBJECT,
    ],
    [
      'backup version: algorithm a number, auth_data missing',
      BackupVersionDto,
      { algorithm: 1 },
      '400 M_BAD_JSON: algorithm must be a non-empty string',
      BODY_NOT_AN_OBJECT,
    ],
    [
      'backup version: auth_data an array',
      BackupVersionDto,
      { algorithm: 'a', auth_data: [] },
      '400 M_BAD_JSON: auth_data must be an object',
      BODY_NOT_AN_OBJECT,
    ],
    ['backup version: with a version', BackupVersionDto, { algorithm: 'a', auth_data: {}, version: 7 }, 'ok', BODY_NOT_AN_OBJECT],
    [
      'backup version: a constructor key',
      BackupVersionDto,
      JSON.parse('{"algorithm":"a","auth_data":{"constructor":1},"__proto__":{}}'),
      'ok',
      BODY_NOT_AN_OBJECT,
    ],
  ])('body: %s', (_name, dto, body, expected, notAnObject) => {
    expect(answer(() => validateBody(dto, body, notAnObject))).toEqual(expected);
  });
});
