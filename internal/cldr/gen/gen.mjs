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
// fixtures.mjs then gives the Go tests an independent set of Intl outputs.
//
// Run from internal/cldr with `go generate` (or `node gen/gen.mjs`). Needs
// node with full ICU (the default build since node 13), no npm packages, and
// gofmt on PATH.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { LOCALES, ZONES } from './locales.mjs';

const OUT = new URL('../data_gen.go', import.meta.url);

// V8 rewrites U+202F NARROW NO-BREAK SPACE to U+0020 in what format and
// formatToParts return (v8 commit 90be99fab31c, crbug.com/1414292: a web
// compatibility workaround for ICU 72). formatRange between two different
// times keeps ICU's characters. v8 is that rewrite.
const v8 = (s) => s.replaceAll('\u202f', ' ');

const utc = (y, mo, d, h = 12, mi = 0) => new Date(Date.UTC(y, mo, d, h, mi));

function main() {
  const data = LOCALES.map(extract);
  data.forEach(verify);
  const src = goSource(data);
  const formatted = execFileSync('gofmt', { input: src, encoding: 'utf8' });
  writeFileSync(OUT, formatted);
  report(data);
}

// extract reads one locale's names, patterns and zone names from ICU.
function extract(tag) {
  const dateFmt = new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeZone: 'UTC' });
  const timeFmt = new Intl.DateTimeFormat(tag, { timeStyle: 'short', timeZone: 'UTC' });
  for (const f of [dateFmt, timeFmt]) {
    const o = f.resolvedOptions();
    if (o.locale !== tag || o.calendar !== 'gregory' || o.numberingSystem !== 'latn') {
      throw new Error(`${tag}: ICU resolves it to ${o.locale} (${o.calendar}, ${o.numberingSystem}); ` +
        'package cldr handles Gregorian dates in Latin digits for locales ICU has data for');
    }
  }
  const hourLetter = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' }[timeFmt.resolvedOptions().hourCycle];

  // Format-context wide names, as they appear inside the full date: CLDR
  // puts Catalan's "de"/"d’" in the month name itself ("d’abril").
  const months = [...Array(12).keys()].map((m) => value(dateFmt.formatToParts(utc(2019, m, 9)), 'month'));
  // 2019-04-07 was a Sunday; Go's time.Weekday counts from Sunday too.
  const weekdays = [...Array(7).keys()].map((i) => value(dateFmt.formatToParts(utc(2019, 3, 7 + i)), 'weekday'));

  // Samples use values below 10 where they can, so that a leading zero shows
  // whether ICU pads the field (see letters). Day periods come from the
  // cross-noon range, whose output V8 leaves alone.
  const sameRange = timeFmt.formatRangeToParts(utc(2019, 3, 9, 1, 5), utc(2019, 3, 9, 3, 5));
  const crossRange = timeFmt.formatRangeToParts(utc(2019, 3, 9, 9, 5), utc(2019, 3, 9, 15, 5));
  const am = crossRange.find((p) => p.type === 'dayPeriod' && p.source === 'startRange');
  const pm = crossRange.find((p) => p.type === 'dayPeriod' && p.source === 'endRange');
  const dayPeriods = am && pm ? [am.value, pm.value] : ['', ''];

  const sameWidths = {};
  const timeRange = [
    pattern(tag, sameRange, hourLetter, {}, sameWidths),
    pattern(tag, crossRange, hourLetter, sameWidths),
  ];

  return {
    tag,
    months,
    weekdays,
    dayPeriods,
    date: pattern(tag, icuLiterals(
      dateFmt.formatToParts(utc(2019, 3, 9)),
      startOf(dateFmt.formatRangeToParts(utc(2019, 3, 9), utc(2020, 4, 1)))), hourLetter),
    time: pattern(tag, icuLiterals(
      timeFmt.formatToParts(utc(2019, 3, 9, 9, 5)),
      startOf(crossRange)), hourLetter),
    timeRange,
    ...offsetFormat(tag),
    zones: zoneNames(tag),
  };
}

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
function pattern(tag, parts, hourLetter, inherit = {}, widths = {}) {
  let out = '';
  for (const p of parts) {
    if (p.type === 'literal') {
      out += quote(p.value);
      continue;
    }
    const side = p.source === 'endRange' ? 'end' : 'start';
    const key = `${p.type}/${side}`;
    const padded = /^0\d$/.test(p.value) ? 2 : /^\d$/.test(p.value) ? 1 : undefined;
    const width = padded ?? inherit[key] ?? 1;
    widths[key] = width;
    switch (p.type) {
      case 'weekday': out += 'EEEE'; break;
      case 'month':
        if (/\d/.test(p.value)) throw new Error(`${tag}: numeric month ${p.value} in a full date`);
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
function offsetFormat(tag) {
  const show = (zone) => tzName(tag, zone, utc(2019, 0, 15), 'shortOffset');
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

// zoneNames reads ICU's short name of each zone in ZONES at its standard and
// its daylight offset (mid-January and mid-July), keyed by offset, which is
// what Go's time.Time.Zone reports.
function zoneNames(tag) {
  const out = [];
  for (const zone of ZONES) {
    const byOffset = new Map();
    for (const at of [utc(2019, 0, 15), utc(2019, 6, 15)]) {
      const offset = offsetOf(zone, at);
      const name = tzName(tag, zone, at, 'short');
      if (byOffset.has(offset) && byOffset.get(offset) !== name) {
        throw new Error(`${tag}: ${zone} at offset ${offset} is both ${byOffset.get(offset)} and ${name}`);
      }
      byOffset.set(offset, name);
    }
    for (const [offset, name] of [...byOffset].sort((a, b) => a[0] - b[0])) out.push({ zone, offset, name });
  }
  return out;
}

function tzName(tag, zone, at, style) {
  return value(new Intl.DateTimeFormat(tag, { timeZone: zone, timeZoneName: style }).formatToParts(at), 'timeZoneName');
}

// offsetOf is zone's UTC offset at at, in seconds east.
function offsetOf(zone, at) {
  const s = tzName('en-US', zone, at, 'longOffset');
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
    const num = (n) => String(n).padStart(op.width, '0');
    switch (op.letter) {
      case 'E': s += d.weekdays[t.getUTCDay()]; break;
      case 'd': s += num(t.getUTCDate()); break;
      case 'M': s += d.months[t.getUTCMonth()]; break;
      case 'y': s += t.getUTCFullYear(); break;
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
      if (b > a) check(`range ${a.toISOString()} ${b.toISOString()}`, renderRange(d, a, b), timeFmt.formatRange(a, b));
    }
  }
  const offsets = ['Etc/GMT+0', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Eucla', 'Pacific/Chatham',
    'Pacific/Marquesas', 'America/St_Johns'];
  for (let n = -14; n <= 12; n++) offsets.push(n < 0 ? `Etc/GMT${n}` : `Etc/GMT+${n}`);
  for (const zone of offsets) {
    for (const at of [utc(2019, 0, 15), utc(2019, 6, 15)]) {
      check(`offset ${zone} ${at.toISOString()}`, renderOffset(d, offsetOf(zone, at)), tzName(d.tag, zone, at, 'shortOffset'));
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

function goSource(data) {
  const v = process.versions;
  let s = `// Code generated by gen.mjs; DO NOT EDIT.

// ICU ${v.icu}, CLDR ${v.cldr}, tz ${v.tz}, as node ${process.version} ships them,
// read through Intl.DateTimeFormat for the locales and zones in gen/locales.mjs.

package cldr

const (
	icuVersion  = ${goString(v.icu)}
	cldrVersion = ${goString(v.cldr)}
)

var generated = []localeData{
`;
  for (const d of data) {
    s += `{
	tag: ${goString(d.tag)},
	months: [12]string{${list(d.months)}},
	weekdays: [7]string{${list(d.weekdays)}},
`;
    if (d.dayPeriods[0]) s += `dayPeriods: [2]string{${list(d.dayPeriods)}},\n`;
    s += `date: ${goString(d.date)},
	time: ${goString(d.time)},
	timeRange: [2]string{${list(d.timeRange)}},
	gmtFormat: ${goString(d.gmtFormat)},
	hourFormat: ${goString(d.hourFormat)},
	zones: []zoneName{
`;
    for (const z of d.zones) s += `{${goString(z.zone)}, ${z.offset}, ${goString(z.name)}},\n`;
    s += '},\n},\n';
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
