import { LoggerService } from '@nestjs/common';
import { currentCorrelationId } from './correlation';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
type Level = LogLevel;
const ORDER: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** One JSON object per line on stdout, carrying the correlation id of the work in progress. */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    private readonly service: string,
    level: LogLevel = 'info',
  ) {
    this.threshold = ORDER[level];
  }

  write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
    if (ORDER[level] > this.threshold) return;
    const line = {
      time: new Date().toISOString(),
      level,
      service: this.service,
      correlationId: currentCorrelationId(),
      msg: message,
      ...fields,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  log(message: unknown, context?: string): void {
    this.write('info', String(message), context ? { context } : {});
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', String(message), { trace, context });
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', String(message), context ? { context } : {});
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
  verbose(message: unknown, context?: string): void {
    this.write('debug', String(message), context ? { context } : {});
  }
}
