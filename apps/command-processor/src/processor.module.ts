import { DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule } from '@app/platform';
import { CommandProcessorService } from './processing/command-processor.service';
import { HomeserverIngestService } from './homeserver-ingest/homeserver-ingest.service';
import { PROCESSOR_SETTINGS, ProcessorSettings, processorSettingsFromEnv } from './processing/processor-settings';

@Module({})
export class ProcessorModule {
  static forEnv(env: NodeJS.ProcessEnv, settings: ProcessorSettings = processorSettingsFromEnv(env)): DynamicModule {
    return {
      module: ProcessorModule,
      imports: [InfrastructureModule.forService('command-processor', env)],
      providers: [{ provide: PROCESSOR_SETTINGS, useValue: settings }, CommandProcessorService, HomeserverIngestService],
    };
  }
}
