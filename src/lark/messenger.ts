// The Messenger delivers one outbox row to a chat: through the Lark SDK, or locally in the sandbox.
// Commands and jobs never call it to post; they queue rows in the outbox, and the sender calls deliver().
export interface Delivery {
  kind: 'send' | 'reply' | 'patch' | 'file';
  target: string;
  targetType: string;
  msgType: string;
  /** JSON string, as Lark takes it */
  content: string;
  /** our dedupe key, passed to Lark as the message uuid (Lark de-duplicates for an hour) */
  uuid: string;
}

export type DeliveryResult =
  | { ok: true; messageId?: string; chatId?: string }
  /**
   * retry: worth trying again; transient: the Open Platform was unreachable, overloaded or limiting us (network error,
   * 5xx, rate limit), which says nothing about the message: such a row is retried for as long as it takes.
   */
  | {
      ok: false;
      retry: boolean;
      transient?: boolean;
      retryAfterMs?: number;
      error: string;
      /**
       * What the operator must fix when Lark refused the app itself (its credentials, this server's IP): the message
       * waits, as in an outage, and goes once it is fixed; the sender logs this, not each message's failure.
       */
      setup?: string;
    };

export interface CalendarEventInput {
  summary: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string;
  attendeeOpenIds: string[];
  /** Lark creates one event per key: a retry after a crash or a timeout finds the event made the first time */
  idempotencyKey?: string;
}

export interface Messenger {
  readonly kind: 'lark' | 'sandbox';
  deliver(d: Delivery): Promise<DeliveryResult>;
  /** the bot's own open_id, to know when a group message mentions it */
  botOpenId(): Promise<string | undefined>;
  /** uploads a file and answers its file_key */
  uploadFile(name: string, bytes: Buffer): Promise<string>;
  /** creates a calendar event; answers its id, or undefined when the app lacks the calendar scope */
  createCalendarEvent(e: CalendarEventInput): Promise<string | undefined>;
  deleteCalendarEvent(eventId: string): Promise<void>;
}
