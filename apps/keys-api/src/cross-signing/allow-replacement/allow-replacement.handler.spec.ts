import { FakeCommandGateway, rejected } from '../../testing/fake-command-gateway';
import { testSettings } from '../../testing/settings';
import { AllowCrossSigningReplacementHandler, REPLACEMENT_WINDOW_MS } from './allow-replacement.handler';
import { AllowCrossSigningReplacementRequest } from './allow-replacement.command';

describe('AllowCrossSigningReplacementHandler', () => {
  const request = (userId: string) => new AllowCrossSigningReplacementRequest(userId, 'req');

  it('opens a ten-minute window, decided by the owner of the user', async () => {
    const gateway = new FakeCommandGateway();
    const before = Date.now();
    const { updatable_without_uia_before_ms: until } = await new AllowCrossSigningReplacementHandler(gateway.asGateway(), testSettings()).execute(
      request('@bob:example.org'),
    );
    expect(until).toBeGreaterThanOrEqual(before + REPLACEMENT_WINDOW_MS);
    expect(gateway.executed.map(({ draft, key }) => ({ ...draft, key }))).toEqual([
      { type: 'AllowCrossSigningReplacement', key: '@bob:example.org', data: { userId: '@bob:example.org', until } },
    ]);
  });

  it('answers 400 for another server’s user and 404 for a user without a master key, as Synapse', async () => {
    const gateway = new FakeCommandGateway(() => rejected({ code: 'MISSING_MASTER_KEY', message: 'none' }));
    const handler = new AllowCrossSigningReplacementHandler(gateway.asGateway(), testSettings());
    await expect(handler.execute(request('@bob:other.org'))).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM', status: 400, message: 'Not a local user id' });
    await expect(handler.execute(request('@bob:example.org'))).rejects.toMatchObject({ errcode: 'M_NOT_FOUND', status: 404 });
  });
});
