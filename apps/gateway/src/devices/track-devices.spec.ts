import { eventsOf } from './track-devices';

const caller = { userId: '@a:x', deviceId: 'MINE', devices: ['MINE', 'OTHER'] };
const summary = (events: ReturnType<typeof eventsOf>) => events.map((e) => [e.type, 'device_id' in e ? e.device_id : null]);

describe('what a 200 from the homeserver teaches about devices', () => {
  it('login and registration: the device in the answer', () => {
    expect(summary(eventsOf({ kind: 'session-created' }, null, {}, { user_id: '@a:x', device_id: 'NEW' }, 1))).toEqual([['device.created', 'NEW']]);
  });
  it("logout: the caller's device; logout/all: every device the user had", () => {
    expect(summary(eventsOf({ kind: 'logout' }, caller, null, {}, 1))).toEqual([['device.deleted', 'MINE']]);
    expect(summary(eventsOf({ kind: 'logout-all' }, caller, null, {}, 1))).toEqual([
      ['device.deleted', 'MINE'],
      ['device.deleted', 'OTHER'],
    ]);
  });
  it('device deletion and renames by id', () => {
    expect(summary(eventsOf({ kind: 'delete-device', deviceId: 'OTHER' }, caller, {}, {}, 1))).toEqual([['device.deleted', 'OTHER']]);
    expect(summary(eventsOf({ kind: 'delete-devices' }, caller, { devices: ['A', 'B'], auth: {} }, {}, 1))).toEqual([
      ['device.deleted', 'A'],
      ['device.deleted', 'B'],
    ]);
    expect(summary(eventsOf({ kind: 'rename-device', deviceId: 'A' }, caller, { display_name: 'New' }, {}, 1))).toEqual([['device.renamed', 'A']]);
  });
  it('nothing when the caller could not be told (the homeserver refused the token)', () => {
    expect(eventsOf({ kind: 'logout' }, null, null, {}, 1)).toEqual([]);
    expect(eventsOf({ kind: 'delete-device', deviceId: 'A' }, null, null, {}, 1)).toEqual([]);
  });
});
