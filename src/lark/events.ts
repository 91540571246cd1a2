// Turns a Lark im.message.receive_v1 event into the ChatMessage our router reads: plain text with mention keys
// stripped, whether the bot was mentioned, who sent it and where.
export interface ChatMessage {
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string;
  senderType: string;
  text: string;
  mentionsBot: boolean;
  /** other people mentioned, in order */
  mentions: Array<{ openId: string; name: string }>;
  /** the images and files the message carries (an image or file message, or images inside a rich-text post) */
  attachments?: Attachment[];
}

/** An image or file a message carries, by Lark's key; the bytes stay with Lark. */
export interface Attachment {
  kind: 'image' | 'file';
  key: string;
  /** the file's name (files only) */
  name: string;
}

interface Mention {
  key?: string;
  name?: string;
  id?: { open_id?: string; user_id?: string; union_id?: string };
}

interface MessageEvent {
  sender?: { sender_id?: { open_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: Mention[];
  };
}

/** Text of a rich-text (post) message: its title and every text, link and mention element, line by line. */
function postText(content: Record<string, unknown>): string {
  // Events carry the post either directly ({title, content}) or per language ({zh_cn: {title, content}}).
  const post = (Array.isArray(content.content) ? content : Object.values(content).find((v) => v && typeof v === 'object')) as
    | { title?: string; content?: Array<Array<{ tag?: string; text?: string; user_id?: string; key?: string }>> }
    | undefined;
  if (!post) return '';
  const lines = (post.content ?? []).map((para) =>
    para
      .map((el) => (el.tag === 'text' || el.tag === 'a' ? el.text ?? '' : el.tag === 'at' ? (el.user_id?.startsWith('@') ? el.user_id : `@${el.user_id ?? ''}`) : ''))
      .join(''),
  );
  return [post.title ?? '', ...lines].filter((l) => l !== '').join('\n');
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// Keys as Lark writes them (img_v2_…, file_v3_…, or a UUID): anything else is not a key we store or echo.
const KEY = /^[A-Za-z0-9_.-]{1,200}$/;
const MAX_ATTACHMENTS = 50;

/**
 * The images and files of a message, per Lark's 接收消息内容结构: image `{image_key}`, file `{file_key, file_name}`,
 * post paragraphs with `{tag:'img', image_key}` and `{tag:'media', file_key, image_key}` (a video: kept as a file).
 */
function attachmentsOf(type: string | undefined, content: Record<string, unknown>): Attachment[] {
  const out: Attachment[] = [];
  const add = (kind: Attachment['kind'], key: unknown, name: unknown = '') => {
    const k = str(key);
    if (KEY.test(k) && out.length < MAX_ATTACHMENTS && !out.some((a) => a.key === k)) out.push({ kind, key: k, name: Array.from(str(name).replace(/[\r\n\t]+/g, ' ')).slice(0, 200).join('') });
  };
  if (type === 'image') add('image', content.image_key);
  else if (type === 'file') add('file', content.file_key, content.file_name);
  else if (type === 'post') {
    const post = (Array.isArray(content.content) ? content : Object.values(content).find((v) => v && typeof v === 'object')) as { content?: unknown } | undefined;
    const paras = Array.isArray(post?.content) ? post.content : [];
    for (const para of paras) {
      if (!Array.isArray(para)) continue;
      for (const el of para as Array<Record<string, unknown>>) {
        if (!el || typeof el !== 'object') continue;
        if (el.tag === 'img') add('image', el.image_key);
        else if (el.tag === 'media') add('file', el.file_key, el.file_name);
      }
    }
  }
  return out;
}

export function toChatMessage(eventId: string, event: unknown, botOpenId: string | undefined): ChatMessage | undefined {
  // The event is Lark's, but checked as untrusted input: a field of the wrong shape drops the message, never throws.
  const e = (event && typeof event === 'object' ? event : {}) as MessageEvent;
  const m = e.message;
  if (!m || typeof m !== 'object' || typeof m.message_id !== 'string' || !m.message_id || typeof m.chat_id !== 'string' || !m.chat_id) return undefined;
  let text = '';
  let attachments: Attachment[] = [];
  try {
    const content = JSON.parse(m.content ?? '{}') as Record<string, unknown>;
    if (m.message_type === 'text') text = String(content.text ?? '');
    else if (m.message_type === 'post') text = postText(content);
    if (content && typeof content === 'object') attachments = attachmentsOf(m.message_type, content);
  } catch {
    text = '';
  }
  const mentions = (Array.isArray(m.mentions) ? m.mentions : []).filter((x): x is Mention => !!x && typeof x === 'object');
  // Without the bot's open_id (not yet fetched), a mention without a user_id is an app: bots have no user_id.
  const isBot = (x: Mention) => (botOpenId ? x.id?.open_id === botOpenId : !x.id?.user_id);
  let mentionsBot = false;
  const others: ChatMessage['mentions'] = [];
  for (const x of mentions) {
    const key = str(x.key);
    const name = str(x.name);
    const openId = str(x.id?.open_id);
    const bot = isBot(x);
    if (bot) mentionsBot = true;
    else others.push({ openId, name });
    if (key) text = text.split(key).join(bot ? ' ' : `@${name}`);
    // post messages name the mentioned user by its id in the at element
    if (openId) text = text.split(`@${openId}`).join(bot ? ' ' : `@${name}`);
  }
  return {
    eventId,
    messageId: m.message_id,
    chatId: m.chat_id,
    chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
    senderOpenId: str(e.sender?.sender_id?.open_id),
    senderType: typeof e.sender?.sender_type === 'string' ? e.sender.sender_type : 'user',
    text: text.trim(),
    mentionsBot,
    mentions: others,
    ...(attachments.length ? { attachments } : {}),
  };
}
