// Expand an iCalendar feed into its occurrences with Mozilla's ical.js,
// a reader independent of the daemon's libical and of the Python parsers
// (tests/e2e/test_icaljs.py compares what it prints with herstelctl
// event list):
//
//   node tests/ical/expand.mjs --from INSTANT --to INSTANT [FILE | -]
//
// INSTANT is ISO 8601 with an offset (2027-01-01T00:00:00Z).  FILE, or
// standard input, is one VCALENDAR.  Printed: one JSON object,
//
//   {"occurrences": [...], "vevents": N, "timezones": [TZID...],
//    "orphans": [...]}
//
// with an occurrence for every instance that overlaps [from, to) (start
// before to, end after from, as event list counts them), in feed order:
//
//   {"uid", "recurrence_id", "start", "end", "all_day", "tzid",
//    "status", "summary"}
//
// Instants are UTC, "YYYY-MM-DDTHH:MM:SSZ"; a date (VALUE=DATE) is
// "YYYY-MM-DD".  recurrence_id is the instance's original start as the
// rule (or RDATE) gives it, null for an event that does not repeat.
// status is the STATUS of the component that describes the instance
// (an exception's own, else the master's), "" when there is none.
// orphans are the RECURRENCE-ID components whose original start the
// master's rule never produces: a calendar application drops them.
//
// Only the VTIMEZONEs in the file are used (ical.js has no zone data of
// its own besides UTC): a TZID that the file does not define is an error,
// exit 65, so that a feed cannot lean on the reader's zone database.

import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

// How far past the window a rule is followed, for an instance moved from
// there into the window: an event lasts at most 366 days, and a move of
// more than a year is not one the scenarios make.
const MARGIN_SECONDS = 400 * 86400;
// Every series has at most 5000 instances (herstelctl(1), Recurrence).
const MAX_INSTANCES = 100000;

function fail(code, text) {
  process.stderr.write('expand.mjs: ' + text + '\n');
  process.exit(code);
}

function instant(arg, name) {
  const ms = Date.parse(arg);
  if (!/(?:[zZ]|[+-]\d\d:\d\d)$/.test(arg || '') || Number.isNaN(ms))
    fail(64, `${name} needs an instant with an offset, not "${arg}"`);
  return ms / 1000;
}

function args(argv) {
  const out = { file: '-' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--from' || flag === '--to')
      out[flag.slice(2)] = instant(argv[++i], flag);
    else if (i === argv.length - 1)
      out.file = argv[i];
    else
      fail(64, 'usage: expand.mjs --from INSTANT --to INSTANT ' +
          '[FILE | -]');
  }
  if (out.from === undefined || out.to === undefined)
    fail(64, '--from and --to are required');
  return out;
}

function text(t) {
  if (t.isDate)
    return t.toString();
  return new Date(t.toUnixTime() * 1000).toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
}

// Seconds since the epoch; a date (VALUE=DATE) as 00:00 UTC that day,
// which only matters for the window: dates are printed as dates.
function seconds(t) {
  return t.toUnixTime();
}

function status(comp) {
  const s = comp.getFirstPropertyValue('status');
  return s ? String(s).toUpperCase() : '';
}

function occurrence(uid, rid, item, start, end) {
  return {
    uid: uid,
    recurrence_id: rid ? text(rid) : null,
    start: text(start),
    end: text(end),
    all_day: start.isDate,
    tzid: start.isDate ? null : start.zone.tzid,
    status: status(item.component),
    summary: item.summary,
  };
}

// Every TZID a property names must be defined in the file.
function checkZones(cal) {
  const defined = new Set(cal.getAllSubcomponents('vtimezone')
      .map((z) => z.getFirstPropertyValue('tzid')));
  for (const ve of cal.getAllSubcomponents('vevent'))
    for (const p of ve.getAllProperties()) {
      const tzid = p.getParameter('tzid');
      if (tzid && !defined.has(tzid))
        fail(65, 'VEVENT ' + ve.getFirstPropertyValue('uid') +
            ': ' + p.name.toUpperCase() + ' names TZID ' + tzid +
            ', which the file does not define');
    }
  return [...defined].sort();
}

function overlaps(start, end, w) {
  return seconds(start) < w.to && seconds(end) > w.from;
}

// One UID: its master (if any) with its exceptions, related by UID only
// (ical.js would otherwise relate every RECURRENCE-ID of the file).
function expandOne(uid, master, exceptions, w, out, orphans) {
  if (!master) {
    // Instances without their series stand alone.
    for (const ex of exceptions) {
      const ev = new ICAL.Event(ex);
      if (overlaps(ev.startDate, ev.endDate, w))
        out.push(occurrence(uid, ev.recurrenceId, ev,
            ev.startDate, ev.endDate));
    }
    return;
  }
  const ev = new ICAL.Event(master, { exceptions: exceptions,
      strictExceptions: true });
  if (!ev.isRecurring()) {
    if (exceptions.length)
      orphans.push(...exceptions.map((x) => ({ uid: uid,
          recurrence_id: text(new ICAL.Event(x).recurrenceId) })));
    if (overlaps(ev.startDate, ev.endDate, w))
      out.push(occurrence(uid, null, ev, ev.startDate, ev.endDate));
    return;
  }
  const used = new Set();
  const it = ev.iterator();
  let n = 0, next;
  while ((next = it.next())) {
    if (++n > MAX_INSTANCES)
      fail(65, uid + ': more than ' + MAX_INSTANCES + ' instances');
    if (seconds(next) >= w.to + MARGIN_SECONDS)
      break;
    const d = ev.getOccurrenceDetails(next);
    if (d.item !== ev)
      used.add(d.item);
    if (overlaps(d.startDate, d.endDate, w))
      out.push(occurrence(uid, d.recurrenceId, d.item, d.startDate,
          d.endDate));
  }
  for (const x of Object.values(ev.exceptions))
    if (!used.has(x) && (!next ||
        seconds(x.recurrenceId) < seconds(next)))
      orphans.push({ uid: uid, recurrence_id: text(x.recurrenceId) });
}

function main() {
  const a = args(process.argv.slice(2));
  const body = readFileSync(a.file === '-' ? 0 : a.file, 'utf8');
  let cal;
  try {
    cal = new ICAL.Component(ICAL.parse(body));
  } catch (e) {
    fail(65, 'not iCalendar: ' + e.message);
  }
  if (cal.name !== 'vcalendar')
    fail(65, 'not a VCALENDAR but ' + cal.name.toUpperCase());
  const timezones = checkZones(cal);
  const vevents = cal.getAllSubcomponents('vevent');
  const byUid = new Map();
  for (const ve of vevents) {
    const uid = ve.getFirstPropertyValue('uid');
    if (!uid)
      fail(65, 'a VEVENT without a UID');
    if (!byUid.has(uid))
      byUid.set(uid, { master: null, exceptions: [] });
    const g = byUid.get(uid);
    if (ve.hasProperty('recurrence-id'))
      g.exceptions.push(ve);
    else if (g.master)
      fail(65, 'two VEVENTs without RECURRENCE-ID for UID ' + uid);
    else
      g.master = ve;
  }
  const occurrences = [], orphans = [];
  for (const [uid, g] of byUid)
    expandOne(uid, g.master, g.exceptions, a, occurrences, orphans);
  process.stdout.write(JSON.stringify({ occurrences: occurrences,
      vevents: vevents.length, timezones: timezones,
      orphans: orphans }) + '\n');
}

main();
