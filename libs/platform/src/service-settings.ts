import { Env, choiceSetting, textSetting, wholeNumberSetting } from '@app/contracts';
import { LOG_LEVELS, LogLevel } from './json-logger';

/** What every service reads alike: where its HTTP server listens, and how much it logs. */
export interface ServiceSettings {
  readonly httpPort: number;
  readonly httpHost: string;
  readonly logLevel: LogLevel;
}

export function serviceSettingsFromEnv(env: Env, defaultPort: number): ServiceSettings {
  return {
    // 0: any free port (tests run several instances side by side).
    httpPort: wholeNumberSetting(env, 'HTTP_PORT', defaultPort, { min: 0, max: 65535, meaning: 'a TCP port' }),
    httpHost: textSetting(env, 'HTTP_HOST', '127.0.0.1'),
    logLevel: logLevelFromEnv(env),
  };
}

export function logLevelFromEnv(env: Env): LogLevel {
  return choiceSetting(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
}
