import { routeOf } from './route-of';

describe('routeOf', () => {
  it.each(['v3', 'r0', 'unstable'])('sends the E2EE paths of %s to the keys-api', (v) => {
    for (const path of [
      'keys/upload',
      'keys/upload/DEV',
      'keys/query',
      'keys/claim',
      'keys/changes?from=a&to=b',
      'keys/device_signing/upload',
      'keys/signatures/upload',
      'sendToDevice/m.room.encrypted/txn1',
      'room_keys/version',
      'room_keys/version/1',
      'room_keys/keys?version=1',
      'room_keys/keys/!r:x/s',
    ]) {
      expect([path, routeOf('POST', `/_matrix/client/${v}/${path}`)]).toEqual([path, { kind: 'keys' }]);
    }
  });

  it('sends everything else to the homeserver, federation and media included', () => {
    for (const path of [
      '/_matrix/client/versions',
      '/_matrix/client/v3/rooms/!r:x/send/m.room.message/t',
      '/_matrix/client/v3/keys/other',
      '/_matrix/client/v3/keysupload',
      '/_matrix/federation/v1/user/keys/query',
      '/_matrix/key/v2/server',
      '/_matrix/media/v3/upload',
      '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync',
      '/health',
      '/',
    ]) {
      expect([path, routeOf('POST', path)]).toEqual([path, { kind: 'homeserver' }]);
    }
  });

  it('merges GET /sync on v3 and r0; other methods pass through', () => {
    expect(routeOf('GET', '/_matrix/client/v3/sync?since=x&timeout=30000')).toEqual({ kind: 'sync' });
    expect(routeOf('GET', '/_matrix/client/r0/sync')).toEqual({ kind: 'sync' });
    expect(routeOf('POST', '/_matrix/client/v3/sync')).toEqual({ kind: 'homeserver' });
  });

  it('recognises the requests that create, rename and delete devices', () => {
    expect(routeOf('POST', '/_matrix/client/v3/login')).toEqual({ kind: 'session-created' });
    expect(routeOf('POST', '/_matrix/client/r0/register?kind=user')).toEqual({ kind: 'session-created' });
    expect(routeOf('GET', '/_matrix/client/v3/login')).toEqual({ kind: 'homeserver' });
    expect(routeOf('POST', '/_matrix/client/v3/logout')).toEqual({ kind: 'logout' });
    expect(routeOf('POST', '/_matrix/client/v3/logout/all')).toEqual({ kind: 'logout-all' });
    expect(routeOf('POST', '/_matrix/client/v3/delete_devices')).toEqual({ kind: 'delete-devices' });
    expect(routeOf('DELETE', '/_matrix/client/v3/devices/AB%2FC')).toEqual({ kind: 'delete-device', deviceId: 'AB/C' });
    expect(routeOf('PUT', '/_matrix/client/v3/devices/ABC')).toEqual({ kind: 'rename-device', deviceId: 'ABC' });
    expect(routeOf('GET', '/_matrix/client/v3/devices/ABC')).toEqual({ kind: 'homeserver' });
    expect(routeOf('DELETE', '/_matrix/client/v3/devices/%E0%A4%A')).toEqual({ kind: 'homeserver' });
  });

  it('sends the cross-signing reset approval to the keys-api', () => {
    expect(routeOf('POST', '/_synapse/admin/v1/users/@a:x/_allow_cross_signing_replacement_without_uia')).toEqual({ kind: 'keys' });
    expect(routeOf('GET', '/_synapse/admin/v2/users/@a:x')).toEqual({ kind: 'homeserver' });
  });
});
