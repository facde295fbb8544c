// gen.mjs writes ../data_gen.go: the CLDR names and patterns package cldr
// formats with, read out of the ICU that node ships, so that no month name,
// weekday name or pattern literal is ever typed by hand.
//
// For each locale in locales.mjs it formats sample instants with
// Intl.DateTimeFormat's formatToParts and formatRangeToParts and turns the
// parts back into CLDR pattern syntax ("EEEE, d MMMM 'del' y",
// "h:mm – h:mm a"). Before writing anything it renders those patterns here,
// the way the Go code does, for every day of 2019 and 2020, every hour and
// every same-day pair of times, and stops at the first difference from Intl.
// It then reads ICU's short name of every zone Go's tzdata holds, on the 15th
// of every third month from 2019 to 2030, in every locale, and keeps those
// that are not just the offset in the locale's format. fixtures.mjs then
// gives the Go tests an independent set of Intl outputs.
//
// The output depends only on node's ICU and on the Go toolchain's
// lib/time/zoneinfo.zip: two runs with the same node and Go write the same
// bytes.
//
// Run from internal/cldr with `go generate` (or `node gen/gen.mjs`). Needs
// node with full ICU (the default build since node 13), no npm packages, and
// go (for gofmt and GOROOT) on PATH.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { LOCALES, zones, goVersion } from './locales.mjs';

const OUT = new URL('../data_gen.go', import.meta.url);

// V8 rewrites U+202F NARROW NO-BREAK SPACE to U+0020 in what format and
// formatToParts return (v8 commit 90be99fab31c, crbug.com/1414292: a web
// compatibility workaround for ICU 72). formatRange between two different
// times keeps ICU's characters. v8 is that rewrite.
const v8 = (s) => s.replaceAll('\u202f', ' ');

const utc = (y, mo, d, h = 12, mi = 0) => new Date(Date.UTC(y, mo, d, h, mi));

// Zone names are read for every year from 2019 to 2030, mid-month: the
// windows announce writes about, and enough years that ICU's metazone changes
// (Yukon's move to MST in 2020, Ojinaga's to CST in 2022) show.
const ZONE_YEARS = [...Array(12).keys()].map((i) => 2019 + i);

function main() {
  const names = zones();
  const groups = zoneGroups(names);
  const samples = zoneSamples(groups);
  const data = LOCALES.map((tag) => extract(tag, groups, samples));
  data.forEach(verify);
  const src = goSource(data, names, groups);
  const formatted = execFileSync('gofmt', { input: src, encoding: 'utf8' });
  writeFileSync(OUT, formatted);
  report(data);
}

// extract reads one locale's names, patterns and zone names from ICU.
function extract(tag, groups, samples) {
  const dateFmt = new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeZone: 'UTC' });
  const timeFmt = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone: 'UTC' });
  const ns = dateFmt.resolvedOptions().numberingSystem;
  for (const f of [dateFmt, timeFmt]) {
    const o = f.resolvedOptions();
    if (o.locale !== tag || o.calendar !== 'gregory' || o.numberingSystem !== ns) {
      throw new Error(`${tag}: ICU resolves it to ${o.locale} (${o.calendar}, ${o.numberingSystem}); ` +
        'package cldr handles Gregorian dates for locales ICU has data for');
    }
  }
  // Digits other than 0–9 (Marathi writes Devanagari ones): parts are read
  // through ascii, and Go writes numbers with these.
  const digits = ns === 'latn' ? '' : [...Array(10).keys()]
    .map((i) => new Intl.NumberFormat(tag, { numberingSystem: ns, useGrouping: false }).format(i)).join('');
  if (digits && [...digits].length !== 10) throw new Error(`${tag}: digits ${digits}`);
  const ascii = (parts) => parts.map((p) => ({ ...p, value: toASCII(p.value, digits) }));
  const hourLetter = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' }[timeFmt.resolvedOptions().hourCycle];

  // Format-context wide names, as they appear inside the full date: CLDR
  // puts Catalan's "de"/"d’" in the month name itself ("d’abril").
  const months = [...Array(12).keys()].map((m) => value(dateFmt.formatToParts(utc(2019, m, 9)), 'month'));
  if (months.some((m) => /^[0-9]+$/.test(toASCII(m, digits)))) throw new Error(`${tag}: numeric months`);
  // 2019-04-07 was a Sunday; Go's time.Weekday counts from Sunday too.
  const weekdays = [...Array(7).keys()].map((i) => value(dateFmt.formatToParts(utc(2019, 3, 7 + i)), 'weekday'));

  // Samples use values below 10 where they can, so that a leading zero shows
  // whether ICU pads the field (see letters). Day periods come from the
  // cross-noon range, whose output V8 leaves alone.
  const sameRange = ascii(timeFmt.formatRangeToParts(utc(2019, 3, 9, 1, 5), utc(2019, 3, 9, 3, 5)));
  const crossRange = ascii(timeFmt.formatRangeToParts(utc(2019, 3, 9, 9, 5), utc(2019, 3, 9, 15, 5)));
  const am = crossRange.find((p) => p.type === 'dayPeriod' && p.source === 'startRange');
  const pm = crossRange.find((p) => p.type === 'dayPeriod' && p.source === 'endRange');
  const dayPeriods = am && pm ? [am.value, pm.value] : ['', ''];

  // One time style per locale: a time stands alone (timeStyle "short") as it
  // stands in a range. Where CLDR's interval patterns pad the hour
  // differently (fr-CA: "HH 'h' mm" alone, "H 'h' mm – H 'h' mm" in a range),
  // the ranges take the lone time's widths, so that "de 09 h 00 à 17 h 00"
  // and "03 h 00 – 05 h 00" sit in one message.
  const timeWidths = {};
  const time = pattern(tag, icuLiterals(
    ascii(timeFmt.formatToParts(utc(2019, 3, 9, 9, 5))),
    startOf(crossRange)), hourLetter, {}, timeWidths);
  const own = { 'hour/start': timeWidths['hour/start'], 'minute/start': timeWidths['minute/start'] };
  own['hour/end'] = own['hour/start'];
  own['minute/end'] = own['minute/start'];
  const timeRange = [pattern(tag, sameRange, hourLetter, own, {}, true), pattern(tag, crossRange, hourLetter, own, {}, true)];
  const gap = sameRange.filter((p, i) => p.source === 'shared' && p.type === 'literal' &&
    sameRange.slice(0, i).some((q) => q.source === 'startRange') && sameRange.slice(i).some((q) => q.source === 'endRange'));
  if (gap.length !== 1) throw new Error(`${tag}: cannot find the range separator in ${JSON.stringify(sameRange)}`);

  const d = {
    tag,
    digits,
    months,
    weekdays,
    dayPeriods,
    date: pattern(tag, icuLiterals(
      ascii(dateFmt.formatToParts(utc(2019, 3, 9))),
      startOf(ascii(dateFmt.formatRangeToParts(utc(2019, 3, 9), utc(2020, 4, 1))))), hourLetter),
    time,
    timeRange,
    rangeSep: gap[0].value,
    ...offsetFormat(tag, digits),
  };
  d.zones = zoneNames(d, groups, samples);
  return d;
}

// toASCII writes a locale's digits as 0–9.
const toASCII = (s, digits) => (digits ? [...s].map((c) => {
  const i = [...digits].indexOf(c);
  return i < 0 ? c : String(i);
}).join('') : s);

// fromASCII writes 0–9 as the locale's digits.
const fromASCII = (s, digits) => (digits ? s.replace(/[0-9]/g, (c) => [...digits][+c]) : s);

function value(parts, type) {
  const p = parts.find((p) => p.type === type);
  if (!p) throw new Error(`no ${type} in ${JSON.stringify(parts)}`);
  return p.value;
}

const startOf = (rangeParts) => rangeParts.filter((p) => p.source === 'startRange');

// icuLiterals undoes V8's rewrite in single-date output: where the start of a
// range has the same parts, and a literal that V8 would turn into this one
// (a U+202F where format shows a U+0020), it takes the range's literal. A
// range built from another pattern (en-GB's full date has no comma there)
// does not line up, and the single output is kept as it is.
function icuLiterals(single, rangeStart) {
  if (single.length !== rangeStart.length || single.some((p, i) => p.type !== rangeStart[i].type)) {
    return single;
  }
  return single.map((p, i) =>
    p.type === 'literal' && v8(rangeStart[i].value) === p.value ? { ...p, value: rangeStart[i].value } : p);
}

// pattern turns parts back into a CLDR pattern. A number sampled below 10
// shows whether ICU pads it ("09" → HH, "9" → H); one sampled at 10 or more
// cannot, and takes its width from inherit (same type, same side of a range),
// else 1. The widths it read go into widths, for the next pattern to inherit.
// In a range, the first repeated field letter starts the end time, as in
// ICU's interval patterns; verify checks that this splits where Intl did.
// With force, inherit's widths win over what the sample shows.
function pattern(tag, parts, hourLetter, inherit = {}, widths = {}, force = false) {
  let out = '';
  for (const p of parts) {
    if (p.type === 'literal') {
      out += quote(p.value);
      continue;
    }
    const side = p.source === 'endRange' ? 'end' : 'start';
    const key = `${p.type}/${side}`;
    const padded = /^0\d$/.test(p.value) ? 2 : /^\d$/.test(p.value) ? 1 : undefined;
    const width = (force ? inherit[key] : undefined) ?? padded ?? inherit[key] ?? 1;
    widths[key] = width;
    switch (p.type) {
      case 'weekday': out += 'EEEE'; break;
      case 'month':
        if (/^\d+$/.test(p.value)) throw new Error(`${tag}: numeric month ${p.value} in a full date`);
        out += 'MMMM';
        break;
      case 'year':
        if (!/^\d{4}$/.test(p.value)) throw new Error(`${tag}: year shown as ${p.value}`);
        out += 'y';
        break;
      case 'day': out += 'd'.repeat(width); break;
      case 'hour': out += hourLetter.repeat(width); break;
      case 'minute': out += 'm'.repeat(width); break;
      case 'dayPeriod': out += 'a'; break;
      default: throw new Error(`${tag}: unsupported part ${p.type} in ${JSON.stringify(parts)}`);
    }
  }
  return out;
}

// quote makes a literal safe in a CLDR pattern: ASCII letters are fields
// unless quoted, and '' is an apostrophe. Letter runs are quoted whole
// (" 'del' ", " 'Uhr'"), so that no two quoted runs touch.
const quote = (lit) => lit.replace(/[A-Za-z']+/g, (run) =>
  /[A-Za-z]/.test(run) ? `'${run.replaceAll("'", "''")}'` : run.replaceAll("'", "''"));

// offsetFormat reads the locale's short localized GMT format (CLDR
// gmtFormat/hourFormat as ICU shortens them: "GMT+2", "UTC−5", "GMT+5:30"),
// which ICU prints for zones it has no short name for.
function offsetFormat(tag, digits) {
  const show = (zone) => toASCII(tzName(tag, zone, utc(2019, 0, 15), 'shortOffset'), digits);
  const plus = /^(.*)(.)2(.*)$/su.exec(show('Etc/GMT-2'));
  const minus = /^(.*)(.)5(.*)$/su.exec(show('Etc/GMT+5'));
  const half = /^(.*)(.)5(.+)30(.*)$/su.exec(show('Asia/Kolkata'));
  if (!plus || !minus || !half || plus[1] !== minus[1] || plus[1] !== half[1] ||
      plus[3] !== minus[3] || plus[3] !== half[4] || plus[2] !== half[2]) {
    throw new Error(`${tag}: cannot read the offset format from ${show('Etc/GMT-2')}, ${show('Etc/GMT+5')}, ${show('Asia/Kolkata')}`);
  }
  const sep = half[3];
  return {
    gmtFormat: `${plus[1]}{0}${plus[3]}`,
    hourFormat: `${plus[2]}H${sep}mm;${minus[2]}H${sep}mm`,
  };
}

// zoneGroups groups the zone names by the zone ICU takes them for
// ("Asia/Kolkata" and "Asia/Calcutta" are one), sorted by ICU's ID; names are
// read through it, so that names of one zone share their entries.
// V8 reports "UTC" for every UTC-like name ("GMT", "Etc/GMT", "Zulu"), but
// ICU prints them apart ("GMT+0", "UTC"): each of those is its own group. The
// fixtures' zone sweeps check every name in every locale.
function zoneGroups(names) {
  const byID = new Map();
  for (const name of names) {
    let id = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
    if (id === 'UTC') id = name;
    if (!byID.has(id)) byID.set(id, []);
    byID.get(id).push(name);
  }
  return [...byID].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, members]) => ({ id, members }));
}

// zoneSamples lists, for each group, instants on the 15th of January, April,
// July and October of each of ZONE_YEARS, with the zone's offset then.
function zoneSamples(groups) {
  return groups.map(({ id }) => {
    const f = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'longOffset' });
    const out = [];
    for (const y of ZONE_YEARS) {
      for (const m of [0, 3, 6, 9]) {
        const at = utc(y, m, 15);
        out.push({ at, offset: parseOffset(id, value(f.formatToParts(at), 'timeZoneName')) });
      }
    }
    return out;
  });
}

// zoneNames reads ICU's short name of each zone group at each sample, keyed
// by UTC offset, which is what Go's time.Time.Zone reports. A name that is
// just the offset in the locale's format ("GMT-7") is left out: Zone writes
// that itself. Where ICU's name for one offset changes over the years (en:
// Yukon's -7 is PDT in 2019 and MST from 2020), each later name has the
// instant it took over, to the hour.
function zoneNames(d, groups, samples) {
  const out = [];
  groups.forEach(({ id }, g) => {
    const f = new Intl.DateTimeFormat(d.tag, { timeZone: id, timeZoneName: 'short' });
    const nameAt = (t) => value(f.formatToParts(t), 'timeZoneName');
    const byOffset = new Map();
    for (const { at, offset } of samples[g]) {
      const name = nameAt(at);
      if (!byOffset.has(offset)) byOffset.set(offset, []);
      const runs = byOffset.get(offset);
      if (runs.length && runs[runs.length - 1].name !== name) {
        runs.push({ name, since: changeAt(id, offset, nameAt, runs[runs.length - 1], at) });
      } else if (!runs.length) {
        runs.push({ name, since: Math.floor(+at / 1000), at });
      }
      runs[runs.length - 1].at = at;
    }
    for (const [offset, runs] of [...byOffset].sort((a, b) => a[0] - b[0])) {
      const fallback = fromASCII(renderOffset(d, offset), d.digits);
      let lead = 0;
      while (lead < runs.length && runs[lead].name === fallback) lead++;
      runs.slice(lead).forEach((r, i) => out.push({
        group: g, offset, name: r.name === fallback ? '' : r.name, since: lead === 0 && i === 0 ? 0 : r.since,
      }));
    }
  });
  return out;
}

// changeAt narrows down, to the hour, when zone's name at offset changed
// from prev's (last seen at prev.at) to the one it has at at: by halves, as
// long as the zone keeps that offset in between (else at's sample stands).
// It returns Unix seconds.
function changeAt(zone, offset, nameAt, prev, at) {
  let lo = +prev.at;
  let hi = +at;
  while (hi - lo > 3600e3) {
    const mid = new Date(Math.floor((lo + hi) / 2 / 3600e3) * 3600e3);
    if (+mid <= lo || offsetOf(zone, mid) !== offset) break;
    if (nameAt(mid) === prev.name) lo = +mid;
    else hi = +mid;
  }
  return Math.floor(hi / 1000);
}

function tzName(tag, zone, at, style) {
  return value(new Intl.DateTimeFormat(tag, { timeZone: zone, timeZoneName: style }).formatToParts(at), 'timeZoneName');
}

// offsetOf is zone's UTC offset at at, in seconds east.
function offsetOf(zone, at) {
  return parseOffset(zone, tzName('en-US', zone, at, 'longOffset'));
}

function parseOffset(zone, s) {
  if (s === 'GMT') return 0;
  const m = /^GMT([+-])(\d\d):(\d\d)(?::(\d\d))?$/.exec(s);
  if (!m) throw new Error(`${zone}: unexpected offset ${s}`);
  return (m[1] === '-' ? -1 : 1) * (m[2] * 3600 + m[3] * 60 + (+m[4] || 0));
}

// ---- Rendering, as the Go code does it, to check the extraction ----

// compile splits a CLDR pattern into literals and fields; from the first
// repeated field letter on, fields belong to the end of a range.
function compile(pat) {
  const ops = [];
  const seen = new Set();
  let lit = '';
  let end = false;
  const flush = () => { if (lit) ops.push({ lit }); lit = ''; };
  for (let i = 0; i < pat.length;) {
    const c = pat[i];
    if (c === "'") {
      if (pat[i + 1] === "'") { lit += "'"; i += 2; continue; }
      let j = i + 1;
      for (;;) {
        if (j >= pat.length) throw new Error(`unterminated quote in ${pat}`);
        if (pat[j] === "'") {
          if (pat[j + 1] === "'") { lit += "'"; j += 2; continue; }
          break;
        }
        lit += pat[j++];
      }
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pat[j] === c) j++;
      flush();
      if (seen.has(c)) end = true;
      seen.add(c);
      ops.push({ letter: c, width: j - i, end });
      i = j;
    } else {
      lit += c;
      i++;
    }
  }
  flush();
  return ops;
}

function render(d, pat, a, b = a) {
  let s = '';
  for (const op of compile(pat)) {
    if (op.lit !== undefined) { s += op.lit; continue; }
    const t = op.end ? b : a;
    const num = (n) => fromASCII(String(n).padStart(op.width, '0'), d.digits);
    switch (op.letter) {
      case 'E': s += d.weekdays[t.getUTCDay()]; break;
      case 'd': s += num(t.getUTCDate()); break;
      case 'M': s += d.months[t.getUTCMonth()]; break;
      case 'y': s += fromASCII(String(t.getUTCFullYear()), d.digits); break;
      case 'h': s += num(t.getUTCHours() % 12 || 12); break;
      case 'H': s += num(t.getUTCHours()); break;
      case 'K': s += num(t.getUTCHours() % 12); break;
      case 'k': s += num(t.getUTCHours() || 24); break;
      case 'm': s += num(t.getUTCMinutes()); break;
      case 'a': s += d.dayPeriods[t.getUTCHours() < 12 ? 0 : 1]; break;
      default: throw new Error(`${d.tag}: pattern letter ${op.letter} in ${pat}`);
    }
  }
  return s;
}

// renderRange picks the pattern as Go's TimeRange does; equal clock times
// print once, through format, so V8 rewrites them.
function renderRange(d, a, b) {
  if (a.getUTCHours() === b.getUTCHours() && a.getUTCMinutes() === b.getUTCMinutes()) {
    return v8(render(d, d.time, a));
  }
  const cross = (a.getUTCHours() < 12) !== (b.getUTCHours() < 12);
  return render(d, d.timeRange[cross ? 1 : 0], a, b);
}

function renderOffset(d, seconds) {
  const [pos, neg] = d.hourFormat.split(';');
  const f = seconds < 0 ? neg : pos;
  const h = f.indexOf('H');
  const sep = f.slice(h + 1, f.indexOf('mm'));
  const abs = Math.abs(seconds);
  let s = f.slice(0, h) + Math.floor(abs / 3600);
  if (abs % 3600) s += sep + String(Math.floor(abs / 60) % 60).padStart(2, '0');
  if (abs % 60) s += sep + String(abs % 60).padStart(2, '0');
  return d.gmtFormat.replace('{0}', s);
}

// oneStyleRange is Intl's formatRange with each hour and minute written as
// format writes them alone (see extract).
function oneStyleRange(f, a, b) {
  const parts = f.formatRangeToParts(a, b);
  if (parts.every((p) => p.source === 'shared')) return f.format(a);
  const alone = { startRange: f.formatToParts(a), endRange: f.formatToParts(b) };
  return parts.map((p) => ((p.type === 'hour' || p.type === 'minute') ? value(alone[p.source], p.type) : p.value)).join('');
}

// verify renders d's patterns for many instants and compares with Intl.
function verify(d) {
  const problems = [];
  const check = (what, got, want) => {
    if (got !== want) problems.push(`${d.tag} ${what}: patterns give ${JSON.stringify(got)}, Intl gives ${JSON.stringify(want)}`);
  };
  const dateFmt = new Intl.DateTimeFormat(d.tag, { dateStyle: 'full', timeZone: 'UTC' });
  const timeFmt = new Intl.DateTimeFormat(d.tag, { timeStyle: 'short', timeZone: 'UTC' });

  for (let t = utc(2019, 0, 1); t < utc(2021, 0, 1); t = new Date(+t + 86400e3)) {
    check(`date ${t.toISOString()}`, v8(render(d, d.date, t)), dateFmt.format(t));
  }
  const clock = [];
  for (let h = 0; h < 24; h++) for (const m of [0, 5, 30, 59]) clock.push(utc(2019, 3, 9, h, m));
  for (const t of clock) check(`time ${t.toISOString()}`, v8(render(d, d.time, t)), timeFmt.format(t));
  for (const a of clock) {
    for (const b of clock) {
      if (b > a) check(`range ${a.toISOString()} ${b.toISOString()}`, renderRange(d, a, b), oneStyleRange(timeFmt, a, b));
    }
  }
  const offsets = ['Etc/GMT+0', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla', 'Pacific/Chatham',
    'Pacific/Marquesas', 'America/St_Johns'];
  for (let n = -14; n <= 12; n++) offsets.push(n < 0 ? `Etc/GMT${n}` : `Etc/GMT+${n}`);
  for (const zone of offsets) {
    for (const at of [utc(2019, 0, 15), utc(2019, 6, 15)]) {
      check(`offset ${zone} ${at.toISOString()}`, fromASCII(renderOffset(d, offsetOf(zone, at)), d.digits), tzName(d.tag, zone, at, 'shortOffset'));
    }
  }
  if (problems.length) {
    throw new Error(`${problems.length} differences, first:\n${problems.slice(0, 10).join('\n')}`);
  }
}

// ---- Go output ----

// goString quotes s for Go, spelling out spaces other than U+0020, dashes,
// the minus sign and invisible characters, which look alike in an editor.
function goString(s) {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch !== ' ' && ch !== '-' && /[\p{Z}\p{C}\p{Pd}\u2212]/u.test(ch)) {
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

const list = (xs) => xs.map(goString).join(', ');

function goSource(data, names, groups) {
  const v = process.versions;
  let s = `// Code generated by gen.mjs; DO NOT EDIT.

// ICU ${v.icu}, CLDR ${v.cldr}, tz ${v.tz}, as node ${process.version} ships them,
// read through Intl.DateTimeFormat for the locales in gen/locales.mjs and the
// zones of ${goVersion()}'s lib/time/zoneinfo.zip.

package cldr

const (
	icuVersion  = ${goString(v.icu)}
	cldrVersion = ${goString(v.cldr)}
)

`;
  const groupOf = new Map();
  groups.forEach(({ members }, g) => members.forEach((n) => groupOf.set(n, g)));
  s += `// zoneIDs are the zone names Go can load, sorted; zoneGroup[i] is the zone
// ICU takes zoneIDs[i] for, by its index among the zone tables' groups.
var zoneIDs = [...]string{\n`;
  for (let i = 0; i < names.length; i += 4) s += `${list(names.slice(i, i + 4))},\n`;
  s += '}\n\nvar zoneGroup = [...]uint16{\n';
  for (let i = 0; i < names.length; i += 20) s += `${names.slice(i, i + 20).map((n) => groupOf.get(n)).join(', ')},\n`;
  s += '}\n\n';

  // Zone tables, shared by the locales that have the same one: a line per
  // entry, "group offset name" or "group offset name since", tab-separated.
  const tables = [];
  const tableOf = new Map();
  for (const d of data) {
    const t = d.zones.map((z) => [z.group, z.offset, z.name, ...(z.since ? [z.since] : [])].join('\t')).join('\n');
    if (!tableOf.has(t)) {
      tableOf.set(t, tables.length);
      tables.push(t);
    }
    d.zoneTable = tableOf.get(t);
  }
  s += `// zoneTables hold ICU's short zone names: lines of "group\\toffset\\tname",
// with "\\tsince" (Unix seconds) where a later name replaces an earlier one;
// an empty name is the offset format. Locales with the same names share one.
var zoneTables = [...]string{\n`;
  // Raw strings, a line per entry, so that a CLDR upgrade diffs readably;
  // a name with a character that looks like another is quoted instead.
  const raw = (t) => (/[`\p{Z}\p{Cf}\u2212]/u.test(t.replaceAll(' ', '')) ? goString(t) : `\`\n${t}\n\``);
  for (const t of tables) s += `${raw(t)},\n`;
  s += '}\n\nvar generated = []localeData{\n';
  for (const d of data) {
    s += `{
	tag: ${goString(d.tag)},
`;
    if (d.digits) s += `digits: ${goString(d.digits)},\n`;
    s += `months: [12]string{${list(d.months)}},
	weekdays: [7]string{${list(d.weekdays)}},
`;
    if (d.dayPeriods[0]) s += `dayPeriods: [2]string{${list(d.dayPeriods)}},\n`;
    s += `date: ${goString(d.date)},
	time: ${goString(d.time)},
	timeRange: [2]string{${list(d.timeRange)}},
	rangeSep: ${goString(d.rangeSep)},
	gmtFormat: ${goString(d.gmtFormat)},
	hourFormat: ${goString(d.hourFormat)},
	zoneTable: ${d.zoneTable},
},
`;
  }
  return `${s}}\n`;
}

// report lists, on stderr, the patterns holding characters that look like a
// plain space or hyphen but are not: worth knowing before comparing strings.
function report(data) {
  const special = { '\u00a0': 'U+00A0', '\u2009': 'U+2009', '\u202f': 'U+202F', '\u2013': 'U+2013', '\u2212': 'U+2212' };
  for (const d of data) {
    const found = [];
    const look = (what, s) => {
      const cs = [...new Set([...s].filter((c) => special[c]))].map((c) => special[c]);
      if (cs.length) found.push(`${what} ${cs.join(' ')}`);
    };
    look('date', d.date);
    look('time', d.time);
    look('range', d.timeRange.join(''));
    look('dayPeriods', d.dayPeriods.join(''));
    look('offset', d.hourFormat);
    console.error(`${d.tag.padEnd(6)} ${found.join('; ') || '-'}`);
  }
  console.error(`wrote ${OUT.pathname} from ICU ${process.versions.icu}, CLDR ${process.versions.cldr}`);
}

main();
