import { AckToDeviceCommand, ApplyDeviceChangeCommand, ClaimKeysCommand, DeliverToDeviceCommand, UploadKeysCommand } from '@app/contracts';
import { Decision, alreadyApplied } from '../shared/decision';
import { DevicesState } from './devices.state';
import { UploadContext, decideUpload, uploadResult } from './upload-keys.decide';
import { claimResult, decideClaim } from './claim-keys.decide';
import { decideDeviceChange } from './device-change.decide';
import { decideAckToDevice, decideDeliverToDevice } from './to-device.decide';

export type DevicesCommand = UploadKeysCommand | ClaimKeysCommand | ApplyDeviceChangeCommand | DeliverToDeviceCommand | AckToDeviceCommand;
export type { UploadContext };

/**
 * A user's devices. `redelivered`: the command's events are already folded in, so it records
 * nothing and answers as it did (uploads and claims rebuild their result from the state).
 */
export function decideDevices(state: DevicesState, command: DevicesCommand, redelivered: boolean, context: UploadContext): Decision {
  switch (command.type) {
    case 'UploadKeys':
      return redelivered ? uploadResult(state, command.data.deviceId) : decideUpload(state, command, context);
    case 'ClaimKeys':
      return redelivered ? claimResult(state, command) : decideClaim(state, command);
    case 'ApplyDeviceChange':
      return redelivered ? alreadyApplied() : decideDeviceChange(state, command);
    case 'DeliverToDevice':
      return redelivered ? alreadyApplied() : decideDeliverToDevice(state, command);
    case 'AckToDevice':
      return redelivered ? alreadyApplied() : decideAckToDevice(state, command);
    default: {
      const unhandled: never = command;
      throw new Error(`decideDevices: unhandled command ${(unhandled as DevicesCommand).type}`);
    }
  }
}
