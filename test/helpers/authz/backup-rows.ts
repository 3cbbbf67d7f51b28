import { ALICE_ROOM, AuthzFixture, BACKUP_ALG, rk, sessionKey } from './fixture';
import { Row, error, ok } from './row';

/**
 * /room_keys/version and /room_keys/keys at all three levels. Bob has no backup until he makes one;
 * Carol's version id is Alice's ("1"), so a version id alone must reach nobody else's data.
 */
export const backupRows = (f: AuthzFixture): Row[] => {
  const room = encodeURIComponent(ALICE_ROOM);
  return [
    // /room_keys/version: per user; a version id reaches only the caller's own backup.
    {
      endpoint: 'GET room_keys/version',
      who: 'own',
      what: 'Alice reads her current backup',
      act: () => f.a1.request('GET', rk('version')),
      expected: ok({ algorithm: BACKUP_ALG, auth_data: { owner: 'alice' }, count: 1, etag: expect.any(String), version: '1' }),
    },
    {
      endpoint: 'GET room_keys/version',
      who: 'other device',
      what: 'A2 reads the same (backups are per user)',
      act: () => f.a2.request('GET', rk('version')),
      expected: ok(expect.objectContaining({ auth_data: { owner: 'alice' }, version: '1' })),
    },
    {
      endpoint: 'GET room_keys/version',
      who: 'other user',
      what: 'Bob (no backup) gets 404',
      act: () => f.b1.request('GET', rk('version')),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'GET room_keys/version/{v}',
      who: 'other user',
      what: "Bob asks for Alice's version 1",
      act: () => f.b1.request('GET', rk('version/1')),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'GET room_keys/version/{v}',
      who: 'other user',
      what: "Carol's version 1 is her own",
      act: () => f.c1.request('GET', rk('version/1')),
      expected: ok(expect.objectContaining({ auth_data: { owner: 'carol' }, version: '1' })),
    },
    {
      endpoint: 'POST room_keys/version',
      who: 'other user',
      what: "Bob creates a backup: his version 1, Alice's stays current",
      act: () => f.b1.request('POST', rk('version'), { algorithm: BACKUP_ALG, auth_data: { owner: 'bob' } }),
      expected: ok({ version: '1' }),
    },
    {
      endpoint: 'PUT room_keys/version/{v}',
      who: 'other user',
      what: "Carol updates version 1: her own, not Alice's",
      act: () => f.c1.request('PUT', rk('version/1'), { algorithm: BACKUP_ALG, auth_data: { owner: 'carol', hijack: true }, version: '1' }),
      expected: ok({}),
    },
    {
      endpoint: 'PUT room_keys/version/{v}',
      who: 'other user',
      what: 'Bob updates a version 2 nobody has',
      act: () => f.b1.request('PUT', rk('version/2'), { algorithm: BACKUP_ALG, auth_data: { hijack: true }, version: '2' }),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'PUT room_keys/version/{v}',
      who: 'own',
      what: 'Alice re-puts her auth_data unchanged',
      act: () => f.a1.request('PUT', rk('version/1'), { algorithm: BACKUP_ALG, auth_data: { owner: 'alice' }, version: '1' }),
      expected: ok({}),
    },
    // /room_keys/keys at all three levels with Alice's version id, room and session.
    {
      endpoint: 'GET room_keys/keys',
      who: 'own',
      what: 'Alice reads her keys',
      act: () => f.a1.request('GET', rk('keys?version=1')),
      expected: ok({ rooms: { [ALICE_ROOM]: { sessions: { 's-alice': sessionKey('alice') } } } }),
    },
    {
      endpoint: 'GET room_keys/keys',
      who: 'other device',
      what: 'A2 reads the same keys',
      act: () => f.a2.request('GET', rk('keys?version=1')),
      expected: ok({ rooms: { [ALICE_ROOM]: { sessions: { 's-alice': sessionKey('alice') } } } }),
    },
    {
      endpoint: 'GET room_keys/keys',
      who: 'other user',
      what: 'Carol with version 1 reads only hers',
      act: () => f.c1.request('GET', rk('keys?version=1')),
      expected: ok({ rooms: { [ALICE_ROOM]: { sessions: { 's-carol': sessionKey('carol') } } } }),
    },
    {
      endpoint: 'GET room_keys/keys/{roomId}',
      who: 'other user',
      what: "Carol reads Alice's room",
      act: () => f.c1.request('GET', rk(`keys/${room}?version=1`)),
      expected: ok({ sessions: { 's-carol': sessionKey('carol') } }),
    },
    {
      endpoint: 'GET room_keys/keys/{roomId}/{sessionId}',
      who: 'other user',
      what: "Carol reads Alice's session",
      act: () => f.c1.request('GET', rk(`keys/${room}/s-alice?version=1`)),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'PUT room_keys/keys/{roomId}/{sessionId}',
      who: 'other user',
      what: "Carol overwrites Alice's session id with a better copy: lands in her backup",
      act: () => f.c1.request('PUT', rk(`keys/${room}/s-alice?version=1`), sessionKey('forged', 0)),
      expected: ok({ etag: expect.any(String), count: 2 }),
    },
    {
      endpoint: 'PUT room_keys/keys/{roomId}',
      who: 'other user',
      what: "Bob (version 1 now his) writes Alice's room",
      act: () => f.b1.request('PUT', rk(`keys/${room}?version=1`), { sessions: { 's-alice': sessionKey('bob') } }),
      expected: ok({ etag: expect.any(String), count: 1 }),
    },
    {
      endpoint: 'GET room_keys/keys/{roomId}/{sessionId}',
      who: 'other user',
      what: "Bob reads Alice's session id: his own copy",
      act: () => f.b1.request('GET', rk(`keys/${room}/s-alice?version=1`)),
      expected: ok(sessionKey('bob')),
    },
    {
      endpoint: 'PUT room_keys/keys',
      who: 'other user',
      what: 'Bob writes to a version 2 nobody has',
      act: () => f.b1.request('PUT', rk('keys?version=2'), { rooms: { [ALICE_ROOM]: { sessions: { x: sessionKey('bob') } } } }),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'PUT room_keys/keys/{roomId}/{sessionId}',
      who: 'own',
      what: 'Alice re-puts her session (a tie keeps the stored one)',
      act: () => f.a1.request('PUT', rk(`keys/${room}/s-alice?version=1`), sessionKey('alice')),
      expected: ok({ etag: expect.any(String), count: 1 }),
    },
    {
      endpoint: 'DELETE room_keys/keys/{roomId}/{sessionId}',
      who: 'other user',
      what: "Carol deletes Alice's session id: only hers goes",
      act: () => f.c1.request('DELETE', rk(`keys/${room}/s-alice?version=1`)),
      expected: ok({ etag: expect.any(String), count: 1 }),
    },
    {
      endpoint: 'DELETE room_keys/keys/{roomId}',
      who: 'other user',
      what: "Carol deletes Alice's room",
      act: () => f.c1.request('DELETE', rk(`keys/${room}?version=1`)),
      expected: ok({ etag: expect.any(String), count: 0 }),
    },
    {
      endpoint: 'DELETE room_keys/keys',
      who: 'other user',
      what: 'Bob deletes all keys of version 1: his own',
      act: () => f.b1.request('DELETE', rk('keys?version=1')),
      expected: ok({ etag: expect.any(String), count: 0 }),
    },
    {
      endpoint: 'DELETE room_keys/keys',
      who: 'other user',
      what: 'Bob deletes keys of a version 2 nobody has',
      act: () => f.b1.request('DELETE', rk('keys?version=2')),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'DELETE room_keys/keys/{roomId}/{sessionId}',
      who: 'own',
      what: 'Alice deletes a session she does not have',
      act: () => f.a1.request('DELETE', rk(`keys/${room}/nothing?version=1`)),
      expected: ok({ etag: expect.any(String), count: 1 }),
    },
    {
      endpoint: 'DELETE room_keys/version/{v}',
      who: 'other user',
      what: "Carol deletes version 1: her own backup, Alice's stays",
      act: () => f.c1.request('DELETE', rk('version/1')),
      expected: ok({}),
    },
    {
      endpoint: 'GET room_keys/version',
      who: 'other user',
      what: 'Carol, her backup deleted, has no current version',
      act: () => f.c1.request('GET', rk('version')),
      expected: error(404, 'M_NOT_FOUND'),
    },
    {
      endpoint: 'DELETE room_keys/version/{v}',
      who: 'other user',
      what: 'Bob deletes an unknown version 7',
      act: () => f.b1.request('DELETE', rk('version/7')),
      expected: error(404, 'M_NOT_FOUND'),
    },
  ];
};
