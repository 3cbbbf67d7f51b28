/**
 * Given/When/Then for pure deciders (after Emmett's DeciderSpecification):
 * given past events, when a command, then the new events or a rejection.
 */
export function deciderSpec<S, C, E, R>(decider: { decide(state: S, command: C): R; evolve(state: S, event: E): S; initial(): S }) {
  return {
    given(events: readonly E[]) {
      const state = events.reduce(decider.evolve, decider.initial());
      return {
        state,
        when(command: C) {
          return { then: (assert: (result: R) => void) => assert(decider.decide(state, command)) };
        },
      };
    },
  };
}
