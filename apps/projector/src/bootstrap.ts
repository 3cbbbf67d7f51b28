import { startOpsOnlyService } from '@app/platform';
import { ProjectorModule } from './projector.module';
import { projectorSettingsFromEnv } from './projector-settings';

/** Builds and starts the projector; used by main.ts and by tests that run it in-process. */
export async function bootstrapProjector(env: NodeJS.ProcessEnv = process.env) {
  const settings = projectorSettingsFromEnv(env); // an invalid setting stops the start here
  return startOpsOnlyService(ProjectorModule.forEnv(env, settings), settings.service, 'projector');
}
