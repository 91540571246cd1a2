// Calendar v4 routes of the fake Lark API (primary calendar, events, attendees).
import { fail, ok } from './http-util.js';
import type { FakeCalendarEvent, Route, RouteCtx, RouteReply } from './types.js';

const SCOPE = 'calendar:calendar';
const BOT_CALENDAR = 'cal_bot';

function findEvent(ctx: RouteCtx): FakeCalendarEvent | undefined {
  return ctx.state.fake.calendarEvents.find(
    (e) => e.calendar_id === ctx.params['calendar_id'] && e.event_id === ctx.params['event_id'] && !e.deleted,
  );
}

const notFound = (): RouteReply => fail(400, 193001, 'event not found');

function eventView(e: FakeCalendarEvent): Record<string, unknown> {
  return {
    ...e.body,
    event_id: e.event_id,
    organizer_calendar_id: e.calendar_id,
    summary: e.summary,
    start_time: e.start_time,
    end_time: e.end_time,
    status: e.deleted ? 'cancelled' : 'confirmed',
    app_link: `https://applink.feishu.cn/client/calendar/event/detail?calendarId=${e.calendar_id}&key=${e.event_id}`,
  };
}

function primary(ctx: RouteCtx): RouteReply {
  const calendar = {
    calendar_id: BOT_CALENDAR,
    summary: ctx.state.botName,
    description: '',
    permissions: 'private',
    color: -1,
    type: 'primary',
    summary_alias: '',
    is_deleted: false,
    is_third_party: false,
    role: 'owner',
  };
  return ok({ calendars: [{ calendar, user_id: ctx.state.botOpenId }] });
}

function createEvent(ctx: RouteCtx): RouteReply {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  if (!body['start_time'] || !body['end_time']) return fail(400, 99992402, 'field validation failed: start_time/end_time');
  const key = ctx.query['idempotency_key'];
  if (key !== undefined && (key.length < 32 || key.length > 128)) return fail(400, 190002, 'invalid parameters: idempotency_key must be 32 to 128 characters');
  const again = key ? ctx.state.fake.calendarEvents.find((x) => x.idempotency_key === key && x.calendar_id === ctx.params['calendar_id']) : undefined;
  if (again) return ok({ event: eventView(again) });
  const e: FakeCalendarEvent = {
    calendar_id: ctx.params['calendar_id'] ?? '',
    event_id: `${ctx.state.nextId('evt_fake_')}_0`,
    summary: typeof body['summary'] === 'string' ? body['summary'] : '',
    start_time: body['start_time'],
    end_time: body['end_time'],
    attendees: [],
    ...(key ? { idempotency_key: key } : {}),
    body,
  };
  ctx.state.fake.calendarEvents.push(e);
  return ok({ event: eventView(e) });
}

function patchEvent(ctx: RouteCtx): RouteReply {
  const e = findEvent(ctx);
  if (!e) return notFound();
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  e.body = { ...e.body, ...body };
  if (typeof body['summary'] === 'string') e.summary = body['summary'];
  if (body['start_time']) e.start_time = body['start_time'];
  if (body['end_time']) e.end_time = body['end_time'];
  return ok({ event: eventView(e) });
}

function deleteEvent(ctx: RouteCtx): RouteReply {
  const e = findEvent(ctx);
  if (!e) return notFound();
  e.deleted = true;
  return ok({});
}

function getEvent(ctx: RouteCtx): RouteReply {
  const e = findEvent(ctx);
  return e ? ok({ event: eventView(e) }) : notFound();
}

function listEvents(ctx: RouteCtx): RouteReply {
  const items = ctx.state.fake.calendarEvents
    .filter((e) => e.calendar_id === ctx.params['calendar_id'] && !e.deleted)
    .map(eventView);
  return ok({ items, has_more: false, page_token: '', sync_token: '' });
}

function addAttendees(ctx: RouteCtx): RouteReply {
  const e = findEvent(ctx);
  if (!e) return notFound();
  const body = (ctx.body ?? {}) as { attendees?: Array<Record<string, unknown>> };
  if (!Array.isArray(body.attendees)) return fail(400, 99992402, 'field validation failed: attendees');
  const idType = ctx.query['user_id_type'] ?? 'open_id';
  const added = body.attendees.map((a) => {
    const uid = typeof a['user_id'] === 'string' ? a['user_id'] : '';
    return {
      ...a,
      attendee_id: `user_${uid || ctx.state.nextId('att_')}`,
      user_id_type: idType,
      rsvp_status: 'needs_action',
      is_optional: a['is_optional'] === true,
      is_organizer: false,
      is_external: false,
      display_name: ctx.state.users.get(uid)?.name ?? uid,
    };
  });
  e.attendees.push(...added);
  return ok({ attendees: added });
}

function listAttendees(ctx: RouteCtx): RouteReply {
  const e = findEvent(ctx);
  return e ? ok({ items: e.attendees, has_more: false, page_token: '' }) : notFound();
}

const EVENTS = '/open-apis/calendar/v4/calendars/:calendar_id/events';
const EVENT = `${EVENTS}/:event_id`;

export const calendarRoutes: Route[] = [
  { method: 'POST', pattern: '/open-apis/calendar/v4/calendars/primary', scope: SCOPE, handle: primary },
  { method: 'POST', pattern: EVENTS, scope: SCOPE, handle: createEvent },
  { method: 'GET', pattern: EVENTS, scope: SCOPE, handle: listEvents },
  { method: 'GET', pattern: EVENT, scope: SCOPE, handle: getEvent },
  { method: 'PATCH', pattern: EVENT, scope: SCOPE, handle: patchEvent },
  { method: 'DELETE', pattern: EVENT, scope: SCOPE, handle: deleteEvent },
  { method: 'POST', pattern: `${EVENT}/attendees`, scope: SCOPE, handle: addAttendees },
  { method: 'GET', pattern: `${EVENT}/attendees`, scope: SCOPE, handle: listAttendees },
];
