// fixtures.mjs writes ../testdata/fixtures.json: what Intl.DateTimeFormat
// itself prints for many instants in every locale of locales.mjs. The Go
// tests compare each entry with package cldr's output, which checks the
// patterns gen.mjs extracted rather than a copy of them: nothing here reads
// data_gen.go or shares code with gen.mjs.
//
// Run from internal/cldr with `go generate` (or `node gen/fixtures.mjs`).

import { writeFileSync } from 'node:fs';
import { LOCALES, zones } from './locales.mjs';

const OUT = new URL('../testdata/fixtures.json', import.meta.url);

// ZONES are checked in every locale at several instants: those of the
// countries Open Food Network serves (Spain, Belgium, Germany, France, the UK,
// Ireland, Greece, Hungary, Canada, the US, Australia, New Zealand, India,
// Italy, Switzerland, Brazil, Colombia, Costa Rica, Portugal…), UTC as
// servers name it, an old name ICU renamed (Asia/Calcutta), and zones most
// locales have no name for, whose offsets have :30 and :45 and both signs.
const ZONES = [
  'Europe/Madrid', 'Atlantic/Canary', 'Europe/Brussels', 'Europe/Berlin', 'Europe/Paris', 'Europe/London',
  'Europe/Dublin', 'Europe/Athens', 'Europe/Budapest', 'Europe/Rome', 'Europe/Zurich', 'Europe/Lisbon',
  'Atlantic/Azores', 'Europe/Amsterdam', 'Europe/Oslo', 'Europe/Stockholm', 'Europe/Helsinki',
  'America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Regina',
  'America/Edmonton', 'America/Vancouver', 'America/Whitehorse', 'America/New_York', 'America/Chicago',
  'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu',
  'Australia/Sydney', 'Australia/Melbourne', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Darwin',
  'Australia/Perth', 'Australia/Hobart', 'Pacific/Auckland', 'Pacific/Chatham', 'Asia/Kolkata', 'Asia/Calcutta',
  'America/Sao_Paulo', 'America/Manaus', 'America/Bogota', 'America/Costa_Rica', 'Africa/Johannesburg',
  'Asia/Manila', 'Africa/Douala', 'Asia/Seoul', 'UTC', 'Etc/UTC',
  'Asia/Kathmandu', 'Pacific/Marquesas', 'Etc/GMT+5', 'Etc/GMT-14',
];

const at = (iso) => new Date(iso);

// Instants around the 2019 DST switches, every hour, UTC.
const switches = [
  ['Europe/Madrid', '2019-03-31T00:00Z', '2019-03-31T02:30Z'],
  ['Europe/Madrid', '2019-10-27T00:00Z', '2019-10-27T02:30Z'],
  ['America/Toronto', '2019-03-10T06:00Z', '2019-03-10T08:30Z'],
  ['America/Toronto', '2019-11-03T05:00Z', '2019-11-03T07:30Z'],
  ['Australia/Melbourne', '2019-04-06T15:00Z', '2019-04-06T17:30Z'],
  ['Australia/Melbourne', '2019-10-05T15:00Z', '2019-10-05T17:30Z'],
].flatMap(([zone, from, to]) => {
  const out = [];
  for (let t = at(from); t <= at(to); t = new Date(+t + 60 * 60e3)) out.push([zone, t]);
  return out;
});

// oneStyle is Intl's formatRange with each hour and minute as Intl's format
// writes it alone: package cldr writes a locale's times one way, alone and
// in ranges (fr-CA's "09 h 00", not "9 h 00" in ranges only).
function oneStyle(f, a, b) {
  const parts = f.formatRangeToParts(a, b);
  if (parts.every((p) => p.source === 'shared')) return f.format(a);
  const alone = { startRange: f.formatToParts(a), endRange: f.formatToParts(b) };
  return parts.map((p) => ((p.type === 'hour' || p.type === 'minute')
    ? alone[p.source].find((q) => q.type === p.type).value : p.value)).join('');
}

// The cases of internal/render's window sentences: each pass of a repeated
// hour (02:30 CEST and 02:30 CET in Madrid, 1:30 EDT and EST in Toronto, 2:30
// AEDT and AEST in Melbourne), and UTC on another day than the local date
// (Vancouver's evening, Melbourne's morning).
const repeated = [
  ['Europe/Madrid', '2019-10-27T00:30Z'], ['Europe/Madrid', '2019-10-27T01:30Z'],
  ['America/Toronto', '2019-11-03T05:30Z'], ['America/Toronto', '2019-11-03T06:30Z'],
  ['Australia/Melbourne', '2019-04-06T15:30Z'], ['Australia/Melbourne', '2019-04-06T16:30Z'],
].map(([zone, t]) => [zone, at(t)]);
const otherDay = [
  ['America/Vancouver', at('2019-05-08T03:00Z')], ['UTC', at('2019-05-08T03:00Z')],
  ['Australia/Melbourne', at('2019-05-06T23:00Z')], ['UTC', at('2019-05-06T23:00Z')],
];

function main() {
  const entries = [];
  const sweeps = [];
  const all = zones();
  // An entry is [kind, locale, zone, at, end or "", want, v8]: V8 replaces
  // U+202F with U+0020 in format and formatToParts output, and in formatRange
  // output that collapses to one time (v8 commit 90be99fab31c); package cldr
  // keeps ICU's U+202F, and v8 (1) says the entry went through the rewrite.
  const add = (kind, locale, zone, start, end, want, rewritten) => {
    entries.push([kind, locale, zone, iso(start), end ? iso(end) : '', want, rewritten ? 1 : 0]);
  };

  for (const locale of LOCALES) {
    const dtf = (zone, o) => new Intl.DateTimeFormat(locale, { timeZone: zone, ...o });

    // Dates: days 1 and 23 of every month of 2019 and 2020 at 10:00 UTC in
    // Madrid; instants whose local date differs from the UTC date elsewhere;
    // and the DST switches.
    const dates = [];
    for (let m = 0; m < 12; m++) {
      for (const d of [1, 23]) dates.push(['Europe/Madrid', new Date(Date.UTC(2019, m, d, 10))]);
    }
    dates.push(['Europe/Madrid', at('2020-02-29T10:00Z')], ['Europe/Madrid', at('2030-12-31T10:00Z')],
      ['Australia/Melbourne', at('2019-04-09T15:30Z')], ['America/Toronto', at('2019-12-31T23:30Z')],
      ['America/Chicago', at('2020-03-01T03:00Z')], ['Europe/London', at('2019-06-30T23:30Z')], ...switches,
      ...repeated, ...otherDay);
    for (const [zone, t] of dates) add('date', locale, zone, t, null, dtf(zone, { dateStyle: 'full' }).format(t), true);

    // Times: every hour of the day, on the hour and at :45;
    // and the DST switches.
    const times = [];
    for (const zone of ['Europe/Madrid']) {
      for (let h = 0; h < 24; h++) {
        for (const m of [0, 45]) times.push([zone, new Date(Date.UTC(2019, 3, 9, h, m))]);
      }
    }
    times.push(...switches, ...repeated, ...otherDay);
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
      // Support hours 9:00–17:00 in Toronto (fr-CA: one time style), the
      // window of 20:00–22:00 in Vancouver and its UTC times the next day.
      ['America/Toronto', at('2019-06-13T13:00Z'), at('2019-06-13T21:00Z')],
      ['America/Vancouver', at('2019-05-08T03:00Z'), at('2019-05-08T05:00Z')],
      ['UTC', at('2019-05-08T03:00Z'), at('2019-05-08T05:00Z')],
    ];
    for (const [zone, a, b] of ranges) {
      const f = dtf(zone, { timeStyle: 'short' });
      const once = f.formatRangeToParts(a, b).every((p) => p.source === 'shared');
      add('range', locale, zone, a, b, oneStyle(f, a, b), once);
    }

    // Zone names: the DST switches, each zone of ZONES at times other than
    // the sweeps' below, and every zone in the sweeps.
    // Days either side of ICU's metazone changes: Yukon's PDT becoming
    // plain -7 on 1 November 2020, Ojinaga's MDT becoming CST in 2022.
    const renamed = [['America/Whitehorse', '2020-10-31T12:00Z'], ['America/Whitehorse', '2020-11-02T12:00Z'],
      ['America/Ojinaga', '2022-10-29T12:00Z'], ['America/Ojinaga', '2022-11-01T12:00Z']].map(([z, t]) => [z, at(t)]);
    const zones = [...switches, ...repeated, ...otherDay, ...renamed];
    for (const zone of ZONES) zones.push([zone, at('2021-03-01T12:00Z')], [zone, at('2030-08-01T12:00Z')]);
    for (const [zone, t] of zones) {
      const name = dtf(zone, { timeZoneName: 'short' }).formatToParts(t).find((p) => p.type === 'timeZoneName').value;
      add('zone', locale, zone, t, null, name, true);
    }

    // Every zone Go can load, in winter and summer: one entry per instant
    // with the names in the order of the header's zones.
    for (const t of [at('2019-01-15T12:00Z'), at('2019-07-15T12:00Z'), at('2026-01-15T12:00Z'), at('2026-07-15T12:00Z')]) {
      sweeps.push({ locale, at: iso(t), want: all.map((zone) => dtf(zone, { timeZoneName: 'short' })
        .formatToParts(t).find((p) => p.type === 'timeZoneName').value) });
    }
  }

  const v = process.versions;
  const head = { node: process.version, icu: v.icu, cldr: v.cldr, tz: v.tz };
  // One entry per line, so that a CLDR upgrade shows as a readable diff, with
  // spaces and dashes that look like ASCII ones spelled out.
  const spell = (s) => s.replace(/[\u00a0\u2009\u202f\u2013\u2212]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const body = entries.map((e) => spell(JSON.stringify(e))).join(',\n');

  const sweepBody = sweeps.map((e) => spell(JSON.stringify(e))).join(',\n');
  writeFileSync(OUT, `${JSON.stringify(head).slice(0, -1)},"zones":${JSON.stringify(all)},"entries":[\n${body}\n],"sweeps":[\n${sweepBody}\n]}\n`);
  console.error(`wrote ${entries.length} entries and ${sweeps.length} zone sweeps of ${all.length} zones to ${OUT.pathname}`);
}

function iso(t) {
  return t.toISOString().replace('.000Z', 'Z');
}

main();
