// The bulletin's 红黄绿灯 part: open items per lead unit by light (🟢 🟡 🔴), worst first, and the current phase with
// the workdays left in it. Kept apart from build.ts, which other parts of the bulletin also grow.
import type { Db } from '../../db/client.js';
import { translate } from '../context.js';
import { esc, md, table, type Element } from '../lark/cards.js';
import { lightCountsByUnit, lightRuleText, yellowWithin } from '../ledger/light.js';
import { phaseLine, phaseOn } from '../ledger/phases.js';
import type { Org } from '../org.js';

export interface UnitLights {
  name: string;
  green: number;
  yellow: number;
  red: number;
}

const ROWS = 20;

/** Per lead unit with open items: counts by light, most red first, then most yellow. */
export async function unitLights(db: Db, org: Org, asOf: Date): Promise<UnitLights[]> {
  const byUnit = await lightCountsByUnit(db, org.campaign, asOf);
  return [...byUnit]
    .map(([id, c]) => ({ name: org.unit(id)?.name ?? `#${id}`, ...c }))
    .sort((a, b) => b.red - a.red || b.yellow - a.yellow || a.name.localeCompare(b.name));
}

/** The phase line as of the bulletin's day, or nothing when the plan has no phases. */
export function phaseElements(org: Org, day: string | undefined, lang: 'zh' | 'en'): Element[] {
  const line = day ? phaseLine(translate(lang), phaseOn(org.campaign, day)) : undefined;
  return line ? [md(`**${esc(line)}**`)] : [];
}

export function lightsElements(lights: UnitLights[], org: Org, lang: 'zh' | 'en'): Element[] {
  if (!lights.length) return [];
  const t = translate(lang);
  const sum = (k: 'green' | 'yellow' | 'red') => lights.reduce((n, l) => n + l[k], 0);
  return [
    md(t(`**红黄绿灯**：🟢 ${sum('green')}　🟡 ${sum('yellow')}　🔴 ${sum('red')}`, `**Lights**: 🟢 ${sum('green')} · 🟡 ${sum('yellow')} · 🔴 ${sum('red')}`)),
    table(
      [
        { name: 'unit', title: t('主责部门', 'Lead unit') },
        { name: 'green', title: '🟢', type: 'number', width: '60px' },
        { name: 'yellow', title: '🟡', type: 'number', width: '60px' },
        { name: 'red', title: '🔴', type: 'number', width: '60px' },
      ],
      lights.slice(0, ROWS).map((l) => ({ unit: l.name, green: l.green, yellow: l.yellow, red: l.red })),
      10,
    ),
    md(esc(lightRuleText(t, yellowWithin(org.campaign)))),
  ];
}
