import { CommandResult, DomainEvent, Rejection } from '@app/contracts';
import { APPLIED } from './event-of';

export type Decision =
  { readonly ok: true; readonly events: readonly DomainEvent[]; readonly result: CommandResult } | { readonly ok: false; readonly rejection: Rejection };

export function reject(code: Rejection['code'], message: string): Decision {
  return { ok: false, rejection: { code, message } };
}

/** A redelivered homeserver change or setting: already in the state, nothing new to record. */
export const alreadyApplied = (): Decision => ({ ok: true, events: [], result: APPLIED });

/** A command decided again on the state it already changed: the same answer, with nothing new to record. */
export const withoutEvents = (decision: Decision): Decision => (decision.ok ? { ...decision, events: [] } : decision);
