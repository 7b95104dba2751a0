import { z } from "zod";
import { ChannelNameSchema, RealmNameSchema } from "./names.js";

/** Version of the frame protocol described in docs/protocol.md. */
export const PROTOCOL_VERSION = 1;

/** A client-chosen number that ties an answer to its request. */
const Ref = z.number().int().nonnegative();
/** Event payload, base64-encoded so any bytes survive JSON. */
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "data must be base64");
const Headers = z.record(z.string(), z.string()).optional();

export const ClientHelloSchema = z.object({
  type: z.literal("hello"),
  role: z.literal("client"),
  protocolVersion: z.number().int(),
  /** Free text shown to operators next to the connection. */
  client: z.string().max(200).optional(),
});

export const InterRealmHelloSchema = z.object({
  type: z.literal("hello"),
  role: z.literal("inter-realm"),
  protocolVersion: z.number().int(),
  /** The calling realm's name. */
  realm: RealmNameSchema,
  /** A random challenge (base64) that the answering realm signs with its identity key. */
  nonce: Base64,
  /** The cluster the calling realm belongs to (clustered realms always send it). */
  cluster: z.string().max(63).optional(),
  /** Random per process start of the calling realm (tells a reconnect from a duplicate name). */
  instance: z.string().max(64).optional(),
});

export const PublishFrameSchema = z.object({
  type: z.literal("publish"),
  ref: Ref,
  channel: ChannelNameSchema,
  data: Base64,
  headers: Headers,
  /** Optional client-assigned id; a publish repeated with the same id is stored once. */
  eventId: z.string().min(1).max(128).optional(),
});

/** Where a subscription starts: the next new event, the first stored one, or a sequence number. */
export const SubscribeFromSchema = z.union([
  z.literal("latest"),
  z.literal("earliest"),
  z.number().int().positive(),
]);
export type SubscribeFrom = z.infer<typeof SubscribeFromSchema>;

export const SubscribeFrameSchema = z.object({
  type: z.literal("subscribe"),
  ref: Ref,
  channel: ChannelNameSchema,
  from: SubscribeFromSchema.default("latest"),
});

export const UnsubscribeFrameSchema = z.object({
  type: z.literal("unsubscribe"),
  ref: Ref,
  channel: ChannelNameSchema,
});

export const PingFrameSchema = z.object({ type: z.literal("ping"), ref: Ref });

/** Frames a client sends once its hello has been welcomed. */
export const ClientRequestFrameSchema = z.discriminatedUnion("type", [
  PublishFrameSchema,
  SubscribeFrameSchema,
  UnsubscribeFrameSchema,
  PingFrameSchema,
]);
export type ClientRequestFrame = z.infer<typeof ClientRequestFrameSchema>;

/** The first frame on every connection. */
export const HelloFrameSchema = z.discriminatedUnion("role", [
  ClientHelloSchema,
  InterRealmHelloSchema,
]);
export type HelloFrame = z.infer<typeof HelloFrameSchema>;
export type ClientHello = z.infer<typeof ClientHelloSchema>;
export type InterRealmHello = z.infer<typeof InterRealmHelloSchema>;
export type PublishFrame = z.infer<typeof PublishFrameSchema>;
export type SubscribeFrame = z.infer<typeof SubscribeFrameSchema>;
export type UnsubscribeFrame = z.infer<typeof UnsubscribeFrameSchema>;

export const WelcomeFrameSchema = z.object({
  type: z.literal("welcome"),
  realm: RealmNameSchema,
  session: z.string(),
  protocolVersion: z.number().int(),
  /** The realm's clock (ms since the epoch) when it welcomed the session. */
  serverTime: z.number(),
});

export const AckFrameSchema = z.object({
  type: z.literal("ack"),
  ref: Ref,
  channel: ChannelNameSchema,
  /** The stored event's sequence number in its channel (1, 2, 3, …). */
  seq: z.number().int().positive(),
  eventId: z.string(),
  /** True when the eventId had been stored before and this publish was a repeat. */
  duplicate: z.boolean().default(false),
});

export const SubscribedFrameSchema = z.object({
  type: z.literal("subscribed"),
  ref: Ref,
  channel: ChannelNameSchema,
  /** Sequence number of the first event this subscription will deliver. */
  nextSeq: z.number().int().positive(),
});

export const UnsubscribedFrameSchema = z.object({
  type: z.literal("unsubscribed"),
  ref: Ref,
  channel: ChannelNameSchema,
});

export const EventFrameSchema = z.object({
  type: z.literal("event"),
  channel: ChannelNameSchema,
  seq: z.number().int().positive(),
  eventId: z.string(),
  /** When the realm stored the event (ms since the epoch). */
  time: z.number(),
  data: Base64,
  headers: Headers,
});

export const PongFrameSchema = z.object({
  type: z.literal("pong"),
  ref: Ref,
  serverTime: z.number(),
});

/** Every reason a realm refuses a connection or a request. */
export const ErrorCodeSchema = z.enum([
  "CLIENT_CONNECTIONS_NOT_ALLOWED",
  "INTER_REALM_NOT_ALLOWED",
  "HELLO_REQUIRED",
  "HELLO_TIMEOUT",
  "PROTOCOL_VERSION",
  "MALFORMED_FRAME",
  "FRAME_TOO_LARGE",
  "SLOW_CONSUMER",
  "INVALID_REQUEST",
  "NOT_SUBSCRIBED",
  "NO_QUORUM",
  "SHUTTING_DOWN",
  "INTERNAL",
  /** Inter-realm: the peer's identity key is not the one its member entry lists. */
  "UNKNOWN_IDENTITY",
  /** Inter-realm: another realm of that name is already linked, or the peer uses our name. */
  "DUPLICATE_REALM",
  /** Inter-realm: the peer is not a member of this realm's cluster (or of no cluster). */
  "NOT_A_MEMBER",
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorFrameSchema = z.object({
  type: z.literal("error"),
  /** The request this answers, when it answers one. */
  ref: Ref.optional(),
  code: ErrorCodeSchema,
  /** What happened and what to do, in words an operator understands. */
  message: z.string(),
  /** True when the realm closes the connection after this frame. */
  fatal: z.boolean(),
});

/** Frames a realm sends to a client. */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  WelcomeFrameSchema,
  AckFrameSchema,
  SubscribedFrameSchema,
  UnsubscribedFrameSchema,
  EventFrameSchema,
  PongFrameSchema,
  ErrorFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type WelcomeFrame = z.infer<typeof WelcomeFrameSchema>;
export type AckFrame = z.infer<typeof AckFrameSchema>;
export type SubscribedFrame = z.infer<typeof SubscribedFrameSchema>;
export type UnsubscribedFrame = z.infer<typeof UnsubscribedFrameSchema>;
export type EventFrame = z.infer<typeof EventFrameSchema>;
export type PongFrame = z.infer<typeof PongFrameSchema>;
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>;
