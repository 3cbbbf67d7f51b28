import { DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule } from '@app/platform';
import { ProjectorService } from './projection-runner/projector.service';
import { PROJECTOR_SETTINGS, ProjectorSettings, projectorSettingsFromEnv } from './projector-settings';

@Module({})
export class ProjectorModule {
  static forEnv(env: NodeJS.ProcessEnv, settings: ProjectorSettings = projectorSettingsFromEnv(env)): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [InfrastructureModule.forService('projector', env)],
      providers: [{ provide: PROJECTOR_SETTINGS, useValue: settings }, ProjectorService],
    };
  }
}
