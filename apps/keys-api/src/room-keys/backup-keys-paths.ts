import { clientPaths } from '../client-paths';

/** /room_keys/keys[/{roomId}[/{sessionId}]]: the whole backup, one room, one session. */
export const BACKUP_KEYS_PATHS = ['room_keys/keys', 'room_keys/keys/:roomId', 'room_keys/keys/:roomId/:sessionId'].flatMap(clientPaths);
