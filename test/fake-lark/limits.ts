// Counts message sends that would have broken Lark's documented send-rate limits.

const APP_PER_SECOND = 50;
const APP_PER_MINUTE = 1000;
const CHAT_PER_SECOND = 5;

export class LimitTracker {
  private appSends: number[] = [];
  private chatSends = new Map<string, number[]>();
  private v = { app1s: 0, app1min: 0, chat1s: 0 };

  /** Record one send at time `at`; each send that is itself over a limit counts once for that limit. */
  record(chatId: string, at: number): void {
    this.appSends.push(at);
    // Older than a minute can never matter again; trimming keeps long runs cheap.
    while (this.appSends.length > 0 && (this.appSends[0] ?? at) <= at - 60_000) this.appSends.shift();
    if (countSince(this.appSends, at - 1000) > APP_PER_SECOND) this.v.app1s++;
    if (this.appSends.length > APP_PER_MINUTE) this.v.app1min++;
    // Replies to unknown messages have no chat; they cannot be attributed to one.
    if (!chatId) return;
    const list = this.chatSends.get(chatId) ?? [];
    list.push(at);
    while (list.length > 0 && (list[0] ?? at) <= at - 1000) list.shift();
    this.chatSends.set(chatId, list);
    if (list.length > CHAT_PER_SECOND) this.v.chat1s++;
  }

  violations(): { app1s: number; app1min: number; chat1s: number } {
    return { ...this.v };
  }

  reset(): void {
    this.appSends = [];
    this.chatSends.clear();
    this.v = { app1s: 0, app1min: 0, chat1s: 0 };
  }
}

/** Sends strictly after `since` (the window is (at-1000, at]). */
function countSince(sorted: number[], since: number): number {
  let n = 0;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if ((sorted[i] ?? 0) <= since) break;
    n++;
  }
  return n;
}
