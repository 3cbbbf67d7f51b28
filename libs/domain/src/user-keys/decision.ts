import { CommandResult, DomainEvent, Rejection } from '@app/contracts';

export type Decision =
  | { readonly ok: true; readonly events: readonly DomainEvent[]; readonly result: CommandResult }
  | { readonly ok: false; readonly rejection: Rejection };

export function reject(code: Rejection['code'], message: string): Decision {
  return { ok: false, rejection: { code, message } };
}
