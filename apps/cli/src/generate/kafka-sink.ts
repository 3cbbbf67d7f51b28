import { encodeMessage } from '@app/contracts';
import { FormSink, SinkTarget } from './form-sink';
import { KafkaForm } from './kafka-forms';

/**
 * Kafka mode: homeserver events on `hs.events` (key = user id, room id for room encryption) and
 * key commands on `e2ee.commands` (key = user id, `type` header, explicit murmur2 partition); the
 * command-processor decides them.
 */
export class KafkaSink extends FormSink {
  constructor(target: SinkTarget, batchSize = 500) {
    super(target, batchSize);
  }

  protected send(form: KafkaForm): Promise<void> {
    const sent = form.homeserver.map((e) =>
      this.sender.enqueue('hs.events', { topic: this.topics.homeserver, key: e.type === 'room.encryption' ? e.room_id : e.user_id, value: encodeMessage(e) }),
    );
    if (form.command) {
      const { endpoint, command } = form.command;
      sent.push(
        this.sender.enqueue(endpoint, { topic: this.topics.commands, key: command.key, value: encodeMessage(command), headers: { type: command.type } }),
      );
    }
    return Promise.all(sent).then(() => undefined);
  }
}
