// fixtures.mjs writes ../testdata/fixtures.json: what Intl.DateTimeFormat
// itself prints for many instants in every locale of locales.mjs. The Go
// tests compare each entry with package cldr's output, which checks the
// patterns gen.mjs extracted rather than a copy of them: nothing here reads
// data_gen.go or shares code with gen.mjs.
//
// Run from internal/cldr with `go generate` (or `node gen/fixtures.mjs`).

import { writeFileSync } from 'node:fs';
import { LOCALES, ZONES } from './locales.mjs';

const OUT = new URL('../testdata/fixtures.json', import.meta.url);

// Zones ICU has no short name for in any of our locales: Zone falls back to
// the offset format, including :30 and :45 offsets and both signs.
const OTHER_ZONES = ['Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Marquesas', 'Etc/GMT+5', 'Etc/GMT-14'];

const at = (iso) => new Date(iso);

// Instants around the 2019 DST switches, every 30 minutes, UTC.
const switches = [
  ['Europe/Madrid', '2019-03-31T00:00Z', '2019-03-31T02:30Z'],
  ['Europe/Madrid', '2019-10-27T00:00Z', '2019-10-27T02:30Z'],
  ['America/Toronto', '2019-03-10T06:00Z', '2019-03-10T08:30Z'],
  ['America/Toronto', '2019-11-03T05:00Z', '2019-11-03T07:30Z'],
  ['Australia/Melbourne', '2019-04-06T15:00Z', '2019-04-06T17:30Z'],
  ['Australia/Melbourne', '2019-10-05T15:00Z', '2019-10-05T17:30Z'],
].flatMap(([zone, from, to]) => {
  const out = [];
  for (let t = at(from); t <= at(to); t = new Date(+t + 30 * 60e3)) out.push([zone, t]);
  return out;
});

function main() {
  const entries = [];
  const add = (kind, locale, zone, start, end, want, rewritten) => {
    const e = { kind, locale, zone, at: iso(start) };
    if (end) e.end = iso(end);
    e.want = want;
    // V8 replaces U+202F with U+0020 in format and formatToParts output, and
    // in formatRange output that collapses to one time (v8 commit
    // 90be99fab31c); package cldr keeps ICU's U+202F.
    if (rewritten) e.v8 = true;
    entries.push(e);
  };

  for (const locale of LOCALES) {
    const dtf = (zone, o) => new Intl.DateTimeFormat(locale, { timeZone: zone, ...o });

    // Dates: days 1 and 23 of every month of 2019 and 2020 at 10:00 UTC in
    // Madrid; instants whose local date differs from the UTC date elsewhere;
    // and the DST switches.
    const dates = [];
    for (const y of [2019, 2020]) {
      for (let m = 0; m < 12; m++) {
        for (const d of [1, 23]) dates.push(['Europe/Madrid', new Date(Date.UTC(y, m, d, 10))]);
      }
    }
    dates.push(['Australia/Melbourne', at('2019-04-09T15:30Z')], ['America/Toronto', at('2019-12-31T23:30Z')],
      ['America/Chicago', at('2020-03-01T03:00Z')], ['Europe/London', at('2019-06-30T23:30Z')], ...switches);
    for (const [zone, t] of dates) add('date', locale, zone, t, null, dtf(zone, { dateStyle: 'full' }).format(t), true);

    // Times: every hour of the day, on the hour and at :45, in two zones;
    // and the DST switches.
    const times = [];
    for (const zone of ['Europe/Madrid', 'America/Chicago']) {
      for (let h = 0; h < 24; h++) {
        for (const m of [0, 45]) times.push([zone, new Date(Date.UTC(2019, 3, 9, h, m))]);
      }
    }
    times.push(...switches);
    for (const [zone, t] of times) add('time', locale, zone, t, null, dtf(zone, { timeStyle: 'short' }).format(t), true);

    // Ranges within one local day: morning, crossing noon, evening, minutes
    // only, the whole day, and across each DST switch (Toronto's fall-back
    // 1:30 EDT – 1:30 EST shows the same clock time twice).
    const madrid = (h1, m1, h2, m2) => ['Europe/Madrid', new Date(Date.UTC(2019, 3, 9, h1 - 2, m1)), new Date(Date.UTC(2019, 3, 9, h2 - 2, m2))];
    const ranges = [
      madrid(9, 0, 11, 0), madrid(11, 30, 12, 30), madrid(10, 0, 14, 0), madrid(12, 0, 13, 0),
      madrid(2, 0, 3, 0), madrid(21, 0, 23, 30), madrid(9, 0, 9, 30), madrid(7, 5, 19, 55),
      madrid(11, 59, 12, 0), madrid(0, 0, 23, 59),
      ['Europe/Madrid', at('2019-03-31T00:00Z'), at('2019-03-31T02:00Z')],
      ['Europe/Madrid', at('2019-10-27T00:30Z'), at('2019-10-27T02:30Z')],
      ['America/Toronto', at('2019-03-10T06:00Z'), at('2019-03-10T08:00Z')],
      ['America/Toronto', at('2019-11-03T05:30Z'), at('2019-11-03T06:30Z')],
      ['America/Chicago', at('2019-07-04T14:00Z'), at('2019-07-04T19:30Z')],
      ['Australia/Melbourne', at('2019-04-06T15:00Z'), at('2019-04-06T17:00Z')],
    ];
    for (const [zone, a, b] of ranges) {
      const f = dtf(zone, { timeStyle: 'short' });
      const once = f.formatRangeToParts(a, b).every((p) => p.source === 'shared');
      add('range', locale, zone, a, b, f.formatRange(a, b), once);
    }

    // Zone names: mid-January and mid-July in each zone, other zones, and
    // the DST switches.
    const zones = [];
    for (const zone of [...ZONES, ...OTHER_ZONES]) {
      zones.push([zone, at('2019-01-15T12:00Z')], [zone, at('2019-07-15T12:00Z')]);
    }
    zones.push(...switches);
    for (const [zone, t] of zones) {
      const name = dtf(zone, { timeZoneName: 'short' }).formatToParts(t).find((p) => p.type === 'timeZoneName').value;
      add('zone', locale, zone, t, null, name, true);
    }
  }

  const v = process.versions;
  const head = { node: process.version, icu: v.icu, cldr: v.cldr, tz: v.tz };
  // One entry per line, so that a CLDR upgrade shows as a readable diff, with
  // spaces and dashes that look like ASCII ones spelled out.
  const body = entries.map((e) => JSON.stringify(e).replace(/[\u00a0\u2009\u202f\u2013\u2212]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join(',\n');
  writeFileSync(OUT, `${JSON.stringify(head).slice(0, -1)},"entries":[\n${body}\n]}\n`);
  console.error(`wrote ${entries.length} entries to ${OUT.pathname}`);
}

function iso(t) {
  return t.toISOString().replace('.000Z', 'Z');
}

main();
