import { DynamicModule, Module } from '@nestjs/common';
import { InfrastructureModule } from '@app/platform';
import { ProjectorService } from './projection-runner/projector.service';

@Module({})
export class ProjectorModule {
  static forEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [InfrastructureModule.forService('projector', env)],
      providers: [ProjectorService],
    };
  }
}
