import { Env, booleanSetting, optionalUrlSetting, wholeNumberSetting } from '@app/contracts';
import { ServiceSettings, serviceSettingsFromEnv } from '@app/platform';

/** Everything the gateway reads from the environment (documented in the README). */
export interface GatewaySettings {
  readonly service: ServiceSettings;
  /** Where everything but the E2EE paths goes (Synapse's client listener). */
  readonly homeserverUrl: string;
  /** The keys-api: E2EE paths and the sync extension. */
  readonly keyserverUrl: string;
  /** Publish the devices learned from the homeserver's answers on hs.events (off when the homeserver side publishes them itself). */
  readonly publishDevices: boolean;
  /** Request bodies the gateway reads itself (login, device management); proxied bodies stream and are the upstream's to limit. */
  readonly bodyLimitBytes: number;
}

/** Throws, naming the variable and what it allows, on any setting the gateway cannot run with. */
export function gatewaySettingsFromEnv(env: Env): GatewaySettings {
  const homeserverUrl = optionalUrlSetting(env, 'HOMESERVER_URL');
  const keyserverUrl = optionalUrlSetting(env, 'KEYSERVER_URL');
  if (!homeserverUrl) throw new Error('HOMESERVER_URL must be set: the homeserver the gateway stands in front of');
  if (!keyserverUrl) throw new Error('KEYSERVER_URL must be set: the keys-api the gateway sends E2EE paths to');
  return {
    service: serviceSettingsFromEnv(env, 8008),
    homeserverUrl: homeserverUrl.replace(/\/+$/, ''),
    keyserverUrl: keyserverUrl.replace(/\/+$/, ''),
    publishDevices: booleanSetting(env, 'GATEWAY_PUBLISH_DEVICES', true),
    bodyLimitBytes: wholeNumberSetting(env, 'BODY_LIMIT_BYTES', 1024 * 1024, { min: 1, meaning: 'bytes' }),
  };
}
