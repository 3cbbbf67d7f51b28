import { bootstrapGateway } from './bootstrap';

void bootstrapGateway().then((gateway) => {
  gateway.logger.write('info', 'gateway started', { url: gateway.url });
  const stop = () => void gateway.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
});
