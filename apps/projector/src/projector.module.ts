import { Module } from '@nestjs/common';
import { InfrastructureModule } from '@app/platform';
import { ProjectorService } from './projection-runner/projector.service';

@Module({
  imports: [InfrastructureModule.forService('projector')],
  providers: [ProjectorService],
})
export class ProjectorModule {}
