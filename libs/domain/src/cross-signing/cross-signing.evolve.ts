import { EventOf } from '@app/contracts';
import { CrossSigningState, SIGNATURES_KEPT, signatureIdentity } from './cross-signing.state';

export type CrossSigningEvent = EventOf<'CrossSigningKeysUploaded' | 'CrossSigningReplacementAllowed' | 'SignaturesUploaded'>;

export function evolveCrossSigning<S extends CrossSigningState>(state: S, event: CrossSigningEvent): S {
  switch (event.type) {
    case 'CrossSigningKeysUploaded': {
      const keys = { ...(state.crossSigning?.keys ?? {}) };
      for (const key of event.data.keys) keys[key.kind] = key;
      // An approval is for replacing the master key it was given for: a new one closes the window.
      const replaced = event.data.keys.some((k) => k.kind === 'master');
      return { ...state, crossSigning: { ...state.crossSigning, keys, replaceAllowedUntil: replaced ? undefined : state.crossSigning?.replaceAllowedUntil } };
    }
    case 'CrossSigningReplacementAllowed':
      return { ...state, crossSigning: { ...state.crossSigning, keys: state.crossSigning?.keys ?? {}, replaceAllowedUntil: event.data.until } };
    case 'SignaturesUploaded': {
      const recorded = [...(state.crossSigning?.signatures ?? []), ...event.data.signatures.map(signatureIdentity)].slice(-SIGNATURES_KEPT);
      return { ...state, crossSigning: { ...state.crossSigning, keys: state.crossSigning?.keys ?? {}, signatures: recorded } };
    }
    default: {
      const unhandled: never = event;
      throw new Error(`evolveCrossSigning: unhandled event ${(unhandled as CrossSigningEvent).type}`);
    }
  }
}
