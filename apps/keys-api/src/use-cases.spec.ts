import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants';
import { COMMAND_TYPES } from '@app/contracts';
import { USE_CASES } from './use-cases';

// @nestjs/cqrs keeps the handled class under these keys (not exported from its entry point).
const COMMAND_HANDLER = '__commandHandler__';
const QUERY_HANDLER = '__queryHandler__';

const handled = USE_CASES.handlers.map(
  (h) => (Reflect.getMetadata(COMMAND_HANDLER, h) ?? Reflect.getMetadata(QUERY_HANDLER, h)) as { name: string } | undefined,
);

describe('keys-api use cases', () => {
  it('has one handler per request, on one bus each', () => {
    expect(handled.every((r) => r !== undefined)).toBe(true);
    expect(new Set(handled).size).toBe(USE_CASES.handlers.length);
    for (const h of USE_CASES.handlers) expect(Reflect.hasMetadata(COMMAND_HANDLER, h) && Reflect.hasMetadata(QUERY_HANDLER, h)).toBe(false);
  });

  it('names the Nest-side requests `<UseCase>Request`, never like a Kafka envelope type', () => {
    for (const request of handled) {
      expect(request!.name).toMatch(/^[A-Z][A-Za-z]+Request$/);
      expect(COMMAND_TYPES).not.toContain(request!.name);
    }
  });

  it('lists every controller once', () => {
    expect(new Set(USE_CASES.controllers).size).toBe(USE_CASES.controllers.length);
    for (const c of USE_CASES.controllers) expect(Reflect.getMetadata(PATH_METADATA, c)).toBeDefined();
  });
});
