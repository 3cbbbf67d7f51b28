import { Module } from '@nestjs/common';
import { InfrastructureModule } from '@app/platform';
import { CommandProcessorService } from './processing/command-processor.service';

@Module({
  imports: [InfrastructureModule.forService('command-processor')],
  providers: [CommandProcessorService],
})
export class ProcessorModule {}
