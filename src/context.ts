// One context for commands and jobs (Probot's `Context`, grammY's `ctx`): the database, the clock, the messenger, the
// campaign and its org, and a speaker that says things in the campaign's language, timezone and period words.
// Commands get the actor and the chat on top; jobs get the campaign alone. Nothing here imports Hono or the SDK.
import { DateTime } from 'luxon';
import type { DbHandle, Db } from '../db/client.js';
import { calendarOf, workCalendar, type WorkCalendar } from './core/calendar.js';
import { periodLabel, ruleOfKey } from './core/period-words.js';
import type { RuleTiming } from './core/periods.js';
import type { Clock } from './core/clock.js';
import type { Messenger } from './lark/messenger.js';
import type { Attachment } from './lark/events.js';
import type { Log } from './log.js';
import type { AnyCommand } from '../commands/define.js';
import type { Actor, Campaign, Org } from './org.js';

export type Lang = 'zh' | 'en';

/** Says things the way the campaign's people read them: in their language, their timezone, their period words. */
export interface Speaker {
  lang: Lang;
  /** the same text in the speaker's language */
  t(zh: string, en: string): string;
  /** the campaign's IANA timezone */
  zone: string;
  /** a list joined as the language joins lists: 甲、乙 / a, b */
  list(items: readonly string[]): string;
  /** a moment in the campaign's timezone: 11月27日（周五）17:00 / Fri 27 Nov 17:00 */
  when(at: Date | DateTime): string;
  /** a period key as people read it: 第48周（11月23日—27日）, 2026年11月 / 2026-W48 (23–27 Nov); the rule gives a
   * twice-weekly week its split day */
  period(key: string, rule?: RuleTiming): string;
}

const WEEKDAY_ZH = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

export const langOf = (locale: string | null | undefined): Lang => (locale === 'en' ? 'en' : 'zh');

/** The zh/en chooser for one language: `translate('en')('中文', 'English')` is 'English'. */
export const translate =
  (lang: Lang) =>
  (zh: string, en: string): string =>
    lang === 'en' ? en : zh;

export function speaker(lang: Lang, zone: string, cal: WorkCalendar = workCalendar('cn')): Speaker {
  return {
    lang,
    zone,
    t: translate(lang),
    list: (items) => items.join(lang === 'en' ? ', ' : '、'),
    when(at) {
      const d = (at instanceof Date ? DateTime.fromJSDate(at) : at).setZone(zone);
      return lang === 'en' ? d.setLocale('en-GB').toFormat('ccc d LLL HH:mm') : `${d.month}月${d.day}日（${WEEKDAY_ZH[d.weekday]}）${d.toFormat('HH:mm')}`;
    },
    period: (key, rule) => periodLabel(rule ?? ruleOfKey(key), key, { zone, cal, lang }),
  };
}

/** The campaign's own voice: its locale and timezone. */
export const campaignSpeaker = (campaign: Pick<Campaign, 'locale' | 'timezone' | 'workdayCalendar' | 'settings'>): Speaker => speaker(langOf(campaign.locale), campaign.timezone, calendarOf(campaign));

/** What every handler gets: a command answering a message and a job posting for a campaign alike. */
export interface Context {
  dbh: DbHandle;
  db: Db;
  clock: Clock;
  messenger: Messenger;
  log: Log;
  campaign: Campaign;
  org: Org;
  /** the campaign's workday calendar (Chinese public holidays unless the plan says none) */
  calendar: WorkCalendar;
  /** the campaign's timezone (the speaker's zone) */
  zone: string;
  lang: Lang;
  t(zh: string, en: string): string;
  speaker: Speaker;
}

export interface ContextDeps {
  dbh: DbHandle;
  clock: Clock;
  messenger: Messenger;
  log: Log;
}

/** The context for one campaign, speaking `lang` (default: the campaign's locale). */
export function contextFor(deps: ContextDeps, org: Org, lang: Lang = langOf(org.campaign.locale)): Context {
  const say = speaker(lang, org.campaign.timezone, calendarOf(org.campaign));
  return {
    dbh: deps.dbh,
    db: deps.dbh.db,
    clock: deps.clock,
    messenger: deps.messenger,
    log: deps.log,
    campaign: org.campaign,
    org,
    calendar: calendarOf(org.campaign),
    zone: org.campaign.timezone,
    lang,
    t: say.t,
    speaker: say,
  };
}

/** Where a command was said: the chat, and the message and event it answers. */
export interface ChatRef {
  id: string;
  type: 'p2p' | 'group';
  messageId?: string;
  eventId?: string;
  /** the images and files the message carries (a rich-text report's photos) */
  attachments?: Attachment[];
}

/** A command's context: the campaign's, plus who is speaking and where; its speaker answers in the command's language. */
export interface Ctx extends Context {
  actor: Actor;
  chat: ChatRef;
  /** every command, for help */
  commands: readonly AnyCommand[];
}

/** A job's context: the campaign's, speaking the campaign's locale. */
export type JobCtx = Context;
