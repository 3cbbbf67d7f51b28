import { RoutedCommand } from '@app/contracts';
import { decideBatch } from './decide-batch';
import { UserKeysState, initialUserKeysState } from './user-keys.state';
import fixture from './fixtures/snapshots-before-aggregates.json';

/**
 * Snapshots are the state as JSON (MongoSnapshotStore). The fixture was written by the code
 * before the state was split into aggregates: the same commands must still give the same
 * snapshots, and its snapshots must load and decide exactly as they did.
 */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const load = (snapshots: Record<string, string>) => new Map(Object.entries(snapshots).map(([key, json]) => [key, JSON.parse(json) as UserKeysState]));
const saved = (states: ReadonlyMap<string, UserKeysState>) => Object.fromEntries([...states].map(([key, state]) => [key, JSON.stringify(state)]));

describe('snapshots written before the split into aggregates', () => {
  it('the same commands decide the same and give byte-identical snapshots', () => {
    const { decided, states } = decideBatch(fixture.phase1 as RoutedCommand[], new Map(), initialUserKeysState);
    expect(plain(decided)).toEqual(fixture.decided1);
    expect(saved(states)).toEqual(fixture.snapshots);
  });

  it('load, and decide every later command (redeliveries included) exactly as before', () => {
    const { decided, states } = decideBatch(fixture.phase2 as RoutedCommand[], load(fixture.snapshots), initialUserKeysState);
    expect(plain(decided)).toEqual(fixture.decided2);
    expect(saved(states)).toEqual(fixture.after);
  });
});
