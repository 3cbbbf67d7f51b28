import { JsonLogger } from '@app/platform';

/** A logger that keeps its lines instead of printing them. */
export class RecordingLogger extends JsonLogger {
  readonly lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];

  constructor() {
    super('test', 'debug');
  }

  override write(level: Parameters<JsonLogger['write']>[0], message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level, message, fields });
  }
}
