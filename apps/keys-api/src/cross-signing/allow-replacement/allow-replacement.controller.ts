import { Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { validateParams } from '../../validation/validate-body';
import { AdminTokenGuard } from './admin-token.guard';
import { AllowReplacementPathDto } from './allow-replacement.dto';
import { AllowCrossSigningReplacementRequest, AllowCrossSigningReplacementResponse } from './allow-replacement.command';

/** Synapse's admin endpoint, authenticated by ADMIN_TOKEN (not a user's access token). */
@Controller()
@UseGuards(AdminTokenGuard)
export class AllowReplacementController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('_synapse/admin/v1/users/:userId/_allow_cross_signing_replacement_without_uia')
  @HttpCode(200)
  async allow(@Param('userId') userId: string, @Req() request: { id: string }): Promise<AllowCrossSigningReplacementResponse> {
    validateParams(AllowReplacementPathDto, { userId });
    return this.commandBus.execute(new AllowCrossSigningReplacementRequest(userId, request.id));
  }
}
