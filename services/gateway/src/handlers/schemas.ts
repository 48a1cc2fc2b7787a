import { Type } from '@sinclair/typebox';

/** Ids are not format-checked: a malformed one names no row and gets the service's 404. */
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const JsonObject = Type.Record(Type.String(), Type.Unknown());

export const ChannelPayload = Type.Object({ channelId: Id }, { additionalProperties: false });
