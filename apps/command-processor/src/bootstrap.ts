import { startOpsOnlyService } from '@app/platform';
import { ProcessorModule } from './processor.module';
import { processorSettingsFromEnv } from './processing/processor-settings';

/** Builds and starts the command-processor; used by main.ts and by tests that run it in-process. */
export async function bootstrapProcessor(env: NodeJS.ProcessEnv = process.env) {
  const settings = processorSettingsFromEnv(env); // an invalid setting stops the start here
  return startOpsOnlyService(ProcessorModule.forEnv(env, settings), settings.service, 'command-processor');
}
