import { createdBySession, deleted, deviceIdsOf, devicesOf, renamed } from './device-events';

describe("device events learned from the homeserver's answers", () => {
  it('a login or registration names the new device and its requested display name', () => {
    expect(
      createdBySession({ type: 'm.login.password', initial_device_display_name: 'Phone' }, { user_id: '@a:x', device_id: 'D', access_token: 't' }, 5, 'id1'),
    ).toEqual({
      schema: 'hs.v1',
      id: 'id1',
      type: 'device.created',
      user_id: '@a:x',
      device_id: 'D',
      display_name: 'Phone',
      ts: 5,
    });
    expect(createdBySession({}, { user_id: '@a:x', device_id: 'D' }, 5, 'id1')).toMatchObject({ display_name: null });
    expect(createdBySession({ inhibit_login: true }, { user_id: '@a:x' }, 5)).toBeNull();
    expect(createdBySession(null, null, 5)).toBeNull();
  });

  it('deletions get one event each, with distinct ids', () => {
    const events = deleted('@a:x', ['D1', 'D2'], 7);
    expect(events.map((e) => [e.type, 'device_id' in e && e.device_id])).toEqual([
      ['device.deleted', 'D1'],
      ['device.deleted', 'D2'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('a rename needs display_name in the body (null clears it)', () => {
    expect(renamed('@a:x', 'D', { display_name: 'Laptop' }, 1, 'r')).toEqual({
      schema: 'hs.v1',
      id: 'r',
      type: 'device.renamed',
      user_id: '@a:x',
      device_id: 'D',
      display_name: 'Laptop',
      ts: 1,
    });
    expect(renamed('@a:x', 'D', { display_name: null }, 1)?.type).toBe('device.renamed');
    expect(renamed('@a:x', 'D', {}, 1)).toBeNull();
    expect(renamed('@a:x', 'D', { display_name: 3 }, 1)).toBeNull();
  });

  it('reads device ids from /delete_devices and GET /devices bodies, ignoring junk', () => {
    expect(devicesOf({ devices: ['A', 3, '', 'B'] })).toEqual(['A', 'B']);
    expect(devicesOf('x')).toEqual([]);
    expect(deviceIdsOf({ devices: [{ device_id: 'A' }, null, { device_id: 4 }, { device_id: 'B' }] })).toEqual(['A', 'B']);
    expect(deviceIdsOf({})).toEqual([]);
  });
});
