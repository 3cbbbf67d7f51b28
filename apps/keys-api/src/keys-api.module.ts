import { DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { processorGroupOf } from '@app/contracts';
import { InfrastructureModule, JsonLogger, KafkaBus } from '@app/platform';
import { AccessTokenGuard } from './auth/access-token.guard';
import { HomeserverTokenVerifier } from './auth/homeserver-token-verifier';
import { JwtTokenVerifier } from './auth/jwt-token-verifier';
import { TOKEN_VERIFIER } from './auth/requester';
import { CommandGateway } from './command-gateway/command-gateway';
import { KEYS_API_SETTINGS, KeysApiSettings, keysApiSettingsFromEnv } from './config/keys-api.settings';
import { ReadBarrier } from './read-barrier/read-barrier';
import { PROJECTIONS } from '@app/read-models';
import { ReadModelStore } from './read-cache/read-model-store';
import { ReadCaches } from './read-cache/read-caches';
import { RelevantOffsets } from './read-barrier/relevant-offsets';
import { PerUserReads } from './read-cache/per-user-reads';
import { HomeserverTokenGuard } from './appservice/homeserver-token.guard';
import { AdminTokenGuard } from './cross-signing/allow-replacement/admin-token.guard';
import { DeviceListReader } from './device-lists/device-list-reader';
import { CheckpointReads } from './read-barrier/checkpoint-reads';
import { DeviceListWatcher } from './device-lists/device-list-watcher';
import { SyncExtensionService } from './sync-extension/sync-extension.service';
import { BackupReader } from './room-keys/backup-reader';
import { CrossSigningKeysReader } from './cross-signing/cross-signing-keys.reader';
import { HomeserverPasswordVerifier, NoPasswordVerifier, PASSWORD_VERIFIER } from './cross-signing/password-verifier';
import { CommandDecidersCheck } from './readiness/command-deciders.check';
import { RequestLimits } from './rate-limits/request-limits';
import { DeviceSightings } from './device-sightings/device-sightings';
import { CommandDeviceAnnouncer } from './device-sightings/command-announcer';
import { DeviceDeletions } from './auth/device-deletions';
import { USE_CASES } from './use-cases';

@Module({})
export class KeysApiModule {
  static forEnv(env: NodeJS.ProcessEnv, settings: KeysApiSettings = keysApiSettingsFromEnv(env)): DynamicModule {
    return {
      module: KeysApiModule,
      imports: [InfrastructureModule.forService('keys-api', env), CqrsModule.forRoot()],
      controllers: USE_CASES.controllers,
      providers: [
        CrossSigningKeysReader,
        { provide: KEYS_API_SETTINGS, useValue: settings },
        { provide: DeviceDeletions, useFactory: () => new DeviceDeletions() },
        {
          provide: TOKEN_VERIFIER,
          inject: [KEYS_API_SETTINGS, DeviceDeletions],
          useFactory: (s: KeysApiSettings, deletions: DeviceDeletions) =>
            s.authMode === 'homeserver'
              ? HomeserverTokenVerifier.forgettingDeleted(new HomeserverTokenVerifier(s.homeserverUrl!, s.whoamiCacheMs), deletions)
              : s.jwksUrl
                ? JwtTokenVerifier.withJwksUrl(s.jwksUrl)
                : JwtTokenVerifier.withSecret(s.jwtSecret!),
        },
        AccessTokenGuard,
        {
          provide: DeviceSightings,
          inject: [CommandGateway, JsonLogger, DeviceDeletions, KEYS_API_SETTINGS],
          useFactory: (gateway: CommandGateway, logger: JsonLogger, deletions: DeviceDeletions, s: KeysApiSettings) => {
            const sightings = new DeviceSightings(new CommandDeviceAnnouncer(gateway), (err) =>
              logger.write('warn', 'a device seen for the first time could not be announced', { err: err.message }),
            );
            // A deleted device that logs in again is announced again. Only where a deleted device's
            // tokens die with it (the homeserver's whoami): a JWT stays valid until it expires, and
            // must not bring back the device it names.
            if (s.authMode === 'homeserver') deletions.subscribe((userId, deviceId) => sightings.forget(userId, deviceId));
            return sightings;
          },
        },
        HomeserverTokenGuard,
        AdminTokenGuard,
        CommandGateway,
        // A clock that does not go back (wall-clock jumps would refill or freeze the buckets).
        { provide: RequestLimits, inject: [KEYS_API_SETTINGS], useFactory: (s: KeysApiSettings) => new RequestLimits(s.rateLimits, () => performance.now()) },
        ReadBarrier,
        ReadCaches,
        ReadModelStore,
        {
          provide: RelevantOffsets,
          useFactory: () => new RelevantOffsets(new Map(Object.values(PROJECTIONS).map((p) => [p.name, new Set<string>(p.handles)]))),
        },
        PerUserReads,
        ...USE_CASES.handlers,
        DeviceListReader,
        CheckpointReads,
        DeviceListWatcher,
        SyncExtensionService,
        BackupReader,
        {
          provide: CommandDecidersCheck,
          inject: [KafkaBus],
          useFactory: (bus: KafkaBus) => new CommandDecidersCheck(processorGroupOf(bus.topics), bus.admin),
        },
        {
          provide: PASSWORD_VERIFIER,
          inject: [KEYS_API_SETTINGS, JsonLogger],
          useFactory: (s: KeysApiSettings, logger: JsonLogger) =>
            s.authMode === 'homeserver'
              ? new HomeserverPasswordVerifier(s.homeserverUrl!, fetch, (userId, reason) =>
                  logger.write('error', "the password check's session could not be logged out; remove the device 'key server password check'", {
                    userId,
                    reason,
                  }),
                )
              : new NoPasswordVerifier(),
        },
      ],
    };
  }
}
