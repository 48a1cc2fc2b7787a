import { ServerEvents, type ServerEventName } from '@heyyo/contracts';
import { checkShape, compileValidator, type Validator } from '@heyyo/contracts/validation';
import type { EventPublisher } from './publisher.ts';

/**
 * A publisher that checks every server event against its contract schema before it
 * leaves (`checkOutgoingShapes`, on in tests): an event with a field the contract lacks,
 * or without one it promises, throws where it is published instead of reaching clients.
 */
export function createCheckedPublisher(publisher: EventPublisher): EventPublisher {
  const validators = new Map<ServerEventName, Validator>();
  const check = (event: ServerEventName, payload: unknown) => {
    let validate = validators.get(event);
    if (!validate) validators.set(event, (validate = compileValidator(ServerEvents[event].payload, 'response')));
    const drift = checkShape(validate, payload, 'response');
    if (drift) throw new Error(`the ${event} event does not match its contract: ${drift}`);
  };
  return {
    toChannel(channelId, event, payload, exceptUserId) {
      check(event, payload);
      publisher.toChannel(channelId, event, payload, exceptUserId);
    },
    toChannels(channelIds, event, payload) {
      check(event, payload);
      publisher.toChannels(channelIds, event, payload);
    },
    toUser(userId, event, payload) {
      check(event, payload);
      publisher.toUser(userId, event, payload);
    },
    joinChannel: (userId, channelId) => publisher.joinChannel(userId, channelId),
    leaveChannel: (userId, channelId) => publisher.leaveChannel(userId, channelId),
    closeChannel: (channelId) => publisher.closeChannel(channelId),
  };
}
