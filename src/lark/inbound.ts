// The shapes of what Lark sends us, checked with zod at the boundary (webhook, long connection and sandbox alike):
// a field of the wrong type is refused with the path that is wrong, before anything is stored or bound into SQL.
// Fields we do not read are let through untouched (Lark adds fields over time); fields we read must have their type.
import { z } from 'zod';

const id = z.string().min(1).max(200);
const text = z.string().max(200_000);

const header = z.looseObject({
  event_id: id,
  event_type: z.string().min(1).max(100),
  create_time: z.string().max(40).optional(),
  token: z.string().max(200).optional(),
  app_id: z.string().max(200).optional(),
  tenant_key: z.string().max(200).optional(),
});

const userId = z.looseObject({ open_id: z.string().max(200).optional(), user_id: z.string().max(200).nullish(), union_id: z.string().max(200).nullish() });

const mention = z.looseObject({ key: z.string().max(200).optional(), name: z.string().max(500).optional(), id: userId.optional() });

export const messageEventSchema = z.looseObject({
  sender: z.looseObject({ sender_id: userId, sender_type: z.string().max(50).optional() }),
  message: z.looseObject({
    message_id: id,
    chat_id: id,
    chat_type: z.string().max(50).optional(),
    message_type: z.string().max(50).optional(),
    content: text.optional(),
    mentions: z.array(mention).max(100).nullish(),
  }),
});

const chatEventSchema = z.looseObject({ chat_id: id });

/** A button's value: an action and its object, never command text (DESIGN.md section 5). */
export const cardValueSchema = z.record(z.string().max(40), z.union([z.string().max(500), z.number(), z.boolean()]));

export const cardActionSchema = z.looseObject({
  operator: z.looseObject({ open_id: id }),
  action: z.looseObject({
    value: z.union([cardValueSchema, z.string().max(2000)]).optional(),
    tag: z.string().max(50).optional(),
    name: z.string().max(200).optional(),
    form_value: z.record(z.string().max(100), z.union([z.string().max(5000), z.number(), z.boolean(), z.array(z.string().max(500)).max(50)])).optional(),
  }),
  context: z.looseObject({ open_chat_id: id, open_message_id: z.string().max(200).optional() }),
});

const eventSchemas: Record<string, z.ZodType> = {
  'im.message.receive_v1': messageEventSchema,
  'im.chat.member.bot.added_v1': chatEventSchema,
  'im.chat.member.bot.deleted_v1': chatEventSchema,
  'card.action.trigger': cardActionSchema,
};

/** An event as every receiver hands it to the core: schema 2.0, header and event. */
export interface LarkEvent {
  header: { event_id: string; event_type: string; [k: string]: unknown };
  event?: Record<string, unknown>;
  [k: string]: unknown;
}

export type MessageEvent = z.infer<typeof messageEventSchema>;
export type CardAction = z.infer<typeof cardActionSchema>;

export type Checked = { ok: true; event: LarkEvent } | { ok: false; problems: string[] };

const describe = (e: z.ZodError, prefix: string) => e.issues.slice(0, 5).map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`);

/** The envelope: a schema 2.0 header, and an event object. */
const envelope = z.looseObject({ header, event: z.looseObject({}).optional() });

/** Envelope and body in one schema per type we read, so an event is walked (and copied) once. */
const fullSchemas = new Map(Object.entries(eventSchemas).map(([type, event]) => [type, z.looseObject({ header, event })]));

/** Checks one event's envelope and, for the types we read, its body. Other types pass on their envelope alone. */
export function checkEvent(body: unknown): Checked {
  // The schemas are built once: a zod schema compiles its checker at first use, which cost more than the check itself.
  const type = (body as { header?: { event_type?: unknown } } | null)?.header?.event_type;
  const schema = (typeof type === 'string' && fullSchemas.get(type)) || envelope;
  const res = schema.safeParse(body);
  if (!res.success) return { ok: false, problems: describe(res.error, '') };
  return { ok: true, event: res.data as LarkEvent };
}
