import { AllowReplacementController } from './cross-signing/allow-replacement/allow-replacement.controller';
import { AllowCrossSigningReplacementHandler } from './cross-signing/allow-replacement/allow-replacement.handler';
import { UploadCrossSigningKeysController } from './cross-signing/upload-cross-signing-keys/upload-cross-signing-keys.controller';
import { UploadCrossSigningKeysHandler } from './cross-signing/upload-cross-signing-keys/upload-cross-signing-keys.handler';
import { UploadSignaturesController } from './cross-signing/upload-signatures/upload-signatures.controller';
import { UploadSignaturesHandler } from './cross-signing/upload-signatures/upload-signatures.handler';
import { PushTransactionController } from './appservice/push-transaction.controller';
import { PushTransactionHandler } from './appservice/push-transaction.handler';
import { ClaimKeysController } from './claim-keys/claim-keys.controller';
import { ClaimKeysHandler } from './claim-keys/claim-keys.handler';
import { KeyChangesController } from './key-changes/key-changes.controller';
import { KeyChangesHandler } from './key-changes/key-changes.handler';
import { QueryKeysController } from './query-keys/query-keys.controller';
import { QueryKeysHandler } from './query-keys/query-keys.handler';
import { CreateBackupVersionController } from './room-keys/create-backup-version/create-backup-version.controller';
import { CreateBackupVersionHandler } from './room-keys/create-backup-version/create-backup-version.handler';
import { DeleteBackupKeysController } from './room-keys/delete-backup-keys/delete-backup-keys.controller';
import { DeleteBackupKeysHandler } from './room-keys/delete-backup-keys/delete-backup-keys.handler';
import { DeleteBackupVersionController } from './room-keys/delete-backup-version/delete-backup-version.controller';
import { DeleteBackupVersionHandler } from './room-keys/delete-backup-version/delete-backup-version.handler';
import { PutBackupKeysController } from './room-keys/put-backup-keys/put-backup-keys.controller';
import { PutBackupKeysHandler } from './room-keys/put-backup-keys/put-backup-keys.handler';
import { ReadBackupKeysController } from './room-keys/read-backup-keys/read-backup-keys.controller';
import { ReadBackupKeysHandler } from './room-keys/read-backup-keys/read-backup-keys.handler';
import { ReadBackupVersionController } from './room-keys/read-backup-version/read-backup-version.controller';
import { ReadBackupVersionHandler } from './room-keys/read-backup-version/read-backup-version.handler';
import { UpdateBackupVersionController } from './room-keys/update-backup-version/update-backup-version.controller';
import { UpdateBackupVersionHandler } from './room-keys/update-backup-version/update-backup-version.handler';
import { SendToDeviceController } from './send-to-device/send-to-device.controller';
import { SendToDeviceHandler } from './send-to-device/send-to-device.handler';
import { SyncExtensionController } from './sync-extension/sync-extension.controller';
import { SyncExtensionHandler } from './sync-extension/sync-extension.handler';
import { UploadKeysController } from './upload-keys/upload-keys.controller';
import { UploadKeysHandler } from './upload-keys/upload-keys.handler';

/**
 * Every HTTP use case of the keys-api: a controller that checks the input (DTO) and puts a request
 * on the CommandBus or QueryBus, and the handler that serves it. Listed here, in pairs, so that a
 * controller without its handler (a runtime "handler not found") shows in review.
 */
export const USE_CASES = {
  controllers: [
    UploadKeysController,
    QueryKeysController,
    ClaimKeysController,
    KeyChangesController,
    SyncExtensionController,
    SendToDeviceController,
    UploadCrossSigningKeysController,
    UploadSignaturesController,
    AllowReplacementController,
    CreateBackupVersionController,
    ReadBackupVersionController,
    UpdateBackupVersionController,
    DeleteBackupVersionController,
    PutBackupKeysController,
    ReadBackupKeysController,
    DeleteBackupKeysController,
    PushTransactionController,
  ],
  handlers: [
    UploadKeysHandler,
    QueryKeysHandler,
    ClaimKeysHandler,
    KeyChangesHandler,
    SyncExtensionHandler,
    SendToDeviceHandler,
    UploadCrossSigningKeysHandler,
    UploadSignaturesHandler,
    AllowCrossSigningReplacementHandler,
    CreateBackupVersionHandler,
    ReadBackupVersionHandler,
    UpdateBackupVersionHandler,
    DeleteBackupVersionHandler,
    PutBackupKeysHandler,
    ReadBackupKeysHandler,
    DeleteBackupKeysHandler,
    PushTransactionHandler,
  ],
};
