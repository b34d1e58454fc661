#!/usr/bin/env node
// Drive Debian's chromium through hersteld's web pages, as a parent
// would, and check every page on the way (lib.mjs: axe-core WCAG 2.1 AA,
// html-validate, screenshots at 375 and 1280 px).
//
//   node tests/browser/journey.mjs '{"base": "http://127.0.0.1:PORT",
//       "maildir": DIR, "scenario": NAME, "shots": DIR, "data": {...}}'
//
// data is what tests/e2e/test_browser.py seeded (uids, titles, dates,
// addresses): the driver computes no date of its own.  The last line on
// stdout is one JSON object (lib.mjs, Result.json); the exit status is 0
// only when every step passed and no page had a violation or an error.
//
// Two tables: PAGES (what each page type must be) and SCENARIOS (the
// steps).  A new page: one line in PAGES, and a step that gets there
// with s.goto / s.follow / s.submit, which check it on arrival.  For
// the public list of signals, say:
//
//   'signals': { h1: { nl: 'Signalen' } },                  // in PAGES
//   ['the signals', (s) => s.goto('signals', '/signals')],  // in pages()
//
// and its name in PAGE_TYPES of tests/e2e/test_browser.py.  A form is
// s.fill(locator, text) per field and s.submit(type, button); a new
// scenario is a function from the seeded data to its steps, named in
// SCENARIOS and run by one test function.

import fs from 'node:fs';

import { Mailbox, Result, Session, launch, log } from './lib.mjs';

// ---- the page types ----
//
// status: the HTTP status it answers with (200 when absent);
// h1: what its heading says, per language;
// check: async (session, v) => ..., its own checks (v.fail(what) to fail);
// skip: names of lib.mjs's PAGE_CHECKS it is spared, with the reason.
export const PAGES = {
  'agenda': { h1: { nl: 'Agenda', en: 'Agenda' } },
  'agenda-filtered': { h1: { nl: 'Agenda', en: 'Agenda' } },
  'session': {},
  'session-cancelled': {},
  'register-sent': { h1: { nl: 'Kijk in je e-mail',
                           en: 'Check your email' } },
  'bad-input': { status: 422, h1: { nl: 'Controleer wat je invulde' } },
  'confirm': { h1: { nl: 'Aanmelding bevestigen',
                     en: 'Confirm registration' } },
  'confirmed': { h1: { nl: 'Je bent aangemeld', en: 'You are registered' } },
  'waitlisted': { h1: { nl: 'Je staat op de wachtlijst',
                        en: 'You are on the waiting list' } },
  'link-used': { status: 410, h1: { nl: 'Link werkt niet' } },
  'me': { h1: { nl: 'Jouw pagina', en: 'Your page' } },
  'me-saved': { h1: { nl: 'Opgeslagen', en: 'Saved' } },
  'me-unregistered': { h1: { nl: 'Je bent afgemeld' } },
  'forget': { h1: { nl: 'Vergeet mij', en: 'Forget me' } },
  'forgotten': { h1: { nl: 'Je gegevens zijn gewist' } },
  'link': { h1: { nl: 'Nieuwe persoonlijke link' } },
  'link-sent': { h1: { nl: 'Kijk in je e-mail' } },
  'forbidden': { status: 403, h1: { nl: 'Formulier niet geaccepteerd' } },
  'not-found': { status: 404, h1: { nl: 'Niet gevonden', en: 'Not found' } },
};

// ---- the steps ----
//
// A step is [name, act] or [name, act, expect]; both get the Session.

const CONFIRM_LINK = /https?:\/\/\S+\/confirm\/[0-9a-f]{64}\S*/;
const ME_LINK = /https?:\/\/\S+\/me\/[0-9a-f]{64}\S*/;

const $ = (s, sel) => s.page.locator(sel);
const session_href = (uid) => `/sessions/${encodeURIComponent(uid)}`;

// Register who for the session on the current page, confirm through the
// mail, and end on the page of type outcome.
function register(who, title, outcome) {
  return [
    ['fill in the address and name, then mend the address', async (s) => {
      // Back to a field already passed: Shift+Tab with the keyboard.
      await s.fill($(s, '#email'), who.email.replace('@', '@@'));
      await s.fill($(s, '#name'), who.name);
      await s.fill($(s, '#email'), who.email);
    }],
    ['send the form', (s) => s.submit('register-sent',
        $(s, 'form[action*="/register"] button[type=submit]'))],
    ['read the confirmation mail', async (s) => {
      const got = await s.mail.link(who.email, CONFIRM_LINK);
      s.vars.confirm = got.path;
      s.vars.mails = got.index + 1;
      s.result.facts.confirm_subject = got.mail.subject;
    }],
    ['open its link', (s) => s.goto('confirm', s.vars.confirm),
      (s) => s.sees(title)],
    ['press the button', (s) => s.submit(outcome,
        $(s, 'form[action^="/confirm/"] button'))],
    ['the personal link in a mail after it', async (s) => {
      s.vars.me = (await s.mail.link(who.email, ME_LINK,
          s.vars.mails)).path;
    }],
  ];
}

// The whole journey of one parent, the same with the mouse or the
// keyboard.
function journey(d) {
  const who = d.people.parent, series = d.series;
  return [
    ['open the agenda', (s) => s.goto('agenda', '/'),
      async (s) => {
        await s.sees(series.title);
        await s.sees(d.single.title);
      }],
    ['choose a kind', (s) => s.follow('agenda-filtered',
        $(s, `nav a[href*="kind=${d.kind}"]`)),
      async (s) => {
        await s.sees(series.title);
        await s.misses(d.single.title);
      }],
    ['open the session', (s) => s.follow('session',
        $(s, `main ul.sessions a[href^="${session_href(series.uid)}"]`)
          .first()),
      (s) => s.sees(series.title)],
    ...register(who, series.title, 'confirmed'),
    ['open the personal page', (s) => s.goto('me', s.vars.me),
      async (s) => {
        await s.sees(who.email);
        await s.sees(series.title);
      }],
    ['set reminders and quiet hours', async (s) => {
      await s.fill($(s, '#remind'), '3d,2h');
      await s.fill($(s, '#quiet'), '22:00-07:00');
      await s.submit('me-saved', $(s, 'form[action*="/settings"] button'));
    }],
    ['back to the personal page', (s) => s.follow('me',
        $(s, 'main a[href^="/me/"]')),
      async (s) => {
        s.result.facts.remind = await $(s, '#remind').inputValue();
        s.result.facts.quiet = await $(s, '#quiet').inputValue();
      }],
    ['sit out one date', (s) => s.submit('me-unregistered',
        $(s, `form:has(input[name=date][value="${series.sit_out}"]) ` +
            'button'))],
    ['back to the personal page', (s) => s.follow('me',
        $(s, 'main a[href^="/me/"]')),
      async (s) => {
        s.result.facts.dates = await $(s, 'input[name=date]')
            .evaluateAll((l) => l.map((i) => i.value).filter((v) => v));
      }],
    ['ask to be forgotten', (s) => s.follow('forget',
        $(s, 'main a[href*="/forget"]'))],
    ['say yes', (s) => s.submit('forgotten',
        $(s, 'form[action*="/forget"] button'))],
    ['the personal link no longer works', (s) => s.goto('not-found',
        s.vars.me)],
  ];
}

function english(d) {
  const filtered = `/?kind=${d.kind}&location=${d.location}`;
  const keeps = (lang) => async (s) => {
    const q = new URL(s.page.url()).searchParams;
    for (const [k, v] of [['kind', d.kind], ['location', d.location],
                          ['lang', lang]])
      if (q.get(k) !== v)
        throw new Error(`${s.path()}: ${k} is ${q.get(k)}, not ${v}`);
    await s.sees(d.series.title);
    await s.misses(d.single.title);
  };
  return [
    ['open a filtered agenda', (s) => s.goto('agenda-filtered', filtered)],
    ['the switch is visible', async (s) => {
      const a = $(s, 'header a[hreflang="en"]');
      if (!(await a.isVisible()) || (await a.textContent()) !== 'English')
        throw new Error('no visible "English" in the header');
      const box = await a.boundingBox();
      s.result.facts.switch_box = box;
      s.lang = 'en';
    }],
    ['switch to English', (s) => s.follow('agenda-filtered',
        $(s, 'header a[hreflang="en"]')), keeps('en')],
    ['a filter link keeps English', (s) => s.follow('agenda-filtered',
        $(s, `nav a[href*="group=${d.group}"]`)), keeps('en')],
    ['open the session in English', (s) => s.follow('session',
        $(s, `main ul.sessions a[href^="${session_href(d.series.uid)}"]`)
          .first()),
      async (s) => {
        if (new URL(s.page.url()).searchParams.get('lang') !== 'en')
          throw new Error(`${s.path()} lost lang=en`);
        await s.sees('Register');
      }],
    ['back to Dutch', async (s) => {
      s.lang = 'nl';
      await s.follow('session', $(s, 'header a[hreflang="nl"]'));
    }, (s) => s.sees('Aanmelden')],
    ['the Dutch agenda with the filters', async (s) => {
      s.lang = 'en';
      await s.goto('agenda-filtered', filtered + '&lang=en');
      s.lang = 'nl';
      await s.follow('agenda-filtered', $(s, 'header a[hreflang="nl"]'));
    }, keeps('nl')],
  ];
}

function waitlist(d) {
  const [first, second] = [d.people.parent, d.people.second];
  const small = session_href(d.small.uid);
  return [
    ['open the small session', (s) => s.goto('session', small),
      (s) => s.sees('1 plaats vrij')],
    ...register(first, d.small.title, 'confirmed'),
    ['the session is full now', (s) => s.goto('session', small),
      (s) => s.sees('vol \u2014 wachtlijst')],
    ...register(second, d.small.title, 'waitlisted'),
    ['the personal page says waiting list', (s) => s.goto('me', s.vars.me),
      (s) => s.sees('op de wachtlijst')],
  ];
}

// Markup in titles, names and reasons stays text on every page type.
function hostile(d) {
  const inert = (...texts) => async (s) => {
    for (const t of texts)
      await s.sees(t);
    const n = await s.page.evaluate(() => document.querySelectorAll(
        'img, svg, iframe, object, embed, [onerror], [onload]').length);
    if (n)
      throw new Error(`${s.path()}: ${n} element(s) made of outside text`);
  };
  const who = d.people.parent;
  return [
    ['the agenda', (s) => s.goto('agenda', '/'),
      inert(d.series.title, d.single.title, d.cancelled.reason)],
    ['the series', (s) => s.goto('session', session_href(d.series.uid)),
      async (s) => {
        await inert(d.series.title)(s);
        if (!(await s.page.title()).includes(d.series.title))
          throw new Error('the window title lost the title');
      }],
    ['the cancelled one', (s) => s.goto('session-cancelled',
        session_href(d.cancelled.uid)),
      inert(d.cancelled.title, d.cancelled.reason)],
    ['the single session', (s) => s.goto('session',
        session_href(d.single.uid)), inert(d.single.title)],
    ...register(who, d.single.title, 'confirmed'),
    ['the personal page', (s) => s.goto('me', s.vars.me),
      inert(d.single.title, who.name)],
    ['the forget page', (s) => s.follow('forget',
        $(s, 'main a[href*="/forget"]')), inert()],
    ['a path made of markup', (s) => s.goto('not-found',
        '/sessions/%3Cscript%3Ealert(1)%3C%2Fscript%3E'), inert()],
  ];
}

// Every page type once, for axe and html-validate.
function pages(d) {
  const who = d.people.parent;
  return [
    ['agenda', (s) => s.goto('agenda', '/')],
    ['filtered agenda', (s) => s.goto('agenda-filtered',
        `/?kind=${d.kind}&group=${d.group}&location=${d.location}`)],
    ['cancelled session', (s) => s.goto('session-cancelled',
        session_href(d.cancelled.uid))],
    ['series session', (s) => s.goto('session', session_href(d.series.uid))],
    ['a wrong address', async (s) => {
      // Past the browser's own check of type=email, to the daemon's.
      await $(s, 'form[action*="/register"]').evaluate((f) => {
        f.noValidate = true;
      });
      await s.fill($(s, '#email'), 'geen-adres');
      await s.submit('bad-input', $(s,
          'form[action*="/register"] button[type=submit]'));
    }],
    ['session', (s) => s.goto('session', session_href(d.single.uid))],
    ...register(who, d.single.title, 'confirmed'),
    ['the used link', (s) => s.goto('link-used', s.vars.confirm)],
    ['personal page', (s) => s.goto('me', s.vars.me)],
    ['forget page', (s) => s.follow('forget',
        $(s, 'main a[href*="/forget"]'))],
    ['link page', (s) => s.goto('link', '/link')],
    ['a form that is not ours', async (s) => {
      await $(s, 'input[name=csrf]').evaluate((i) => {
        i.value = 'forged';
      });
      await s.fill($(s, '#email'), who.email);
      await s.submit('forbidden', $(s, 'form button[type=submit]'));
    }],
    ['link page again', (s) => s.goto('link', '/link')],
    ['ask for a link', async (s) => {
      await s.fill($(s, '#email'), who.email);
      await s.submit('link-sent', $(s, 'form button[type=submit]'));
    }],
    ['a session that is not there', (s) => s.goto('not-found',
        '/sessions/no-such-session')],
  ];
}

// name: { steps(data), mode, viewport }
export const SCENARIOS = {
  journey: { steps: journey },
  keyboard: { steps: journey, mode: 'keyboard' },
  english: { steps: english, viewport: { width: 1280, height: 800 } },
  waitlist: { steps: waitlist },
  hostile: { steps: hostile },
  pages: { steps: pages },
};

// ---- the run ----

async function main() {
  const args = JSON.parse(process.argv[2] || '{}');
  const sc = SCENARIOS[args.scenario];
  const result = new Result(args.scenario);
  if (!sc || !args.base || !args.maildir || !args.shots) {
    result.fail(`usage: journey.mjs '{"base", "maildir", "scenario" ` +
        `(${Object.keys(SCENARIOS).join(', ')}), "shots", "data"}'`);
    return result;
  }
  fs.mkdirSync(args.shots, { recursive: true });
  for (const f of fs.readdirSync(args.shots))
    if (f.endsWith('.png'))
      fs.rmSync(`${args.shots}/${f}`);
  let browser;
  try {
    browser = await launch();
  } catch (e) {
    result.fail(`chromium did not start: ${e.message}`);
    return result;
  }
  const s = new Session(browser, { base: args.base, shots: args.shots,
      result, mode: sc.mode, pages: PAGES, viewport: sc.viewport });
  s.mail = new Mailbox(args.maildir);
  try {
    await s.open();
    for (const [name, act, expect] of sc.steps(args.data)) {
      const t0 = Date.now();
      log(`step ${name}`);
      try {
        await act(s);
        if (expect)
          await expect(s);
        result.steps.push({ name, ok: true, ms: Date.now() - t0 });
      } catch (e) {
        result.steps.push({ name, ok: false, ms: Date.now() - t0,
            error: e.message.split('\n')[0] });
        result.fail(`step "${name}" on ${s.path()}: ${e.message}`);
        break;
      }
    }
  } finally {
    await s.close();
    await browser.close().catch(() => {});
  }
  return result;
}

const result = await main().catch((e) => {
  const r = new Result('?');
  r.fail(`the driver failed: ${e.stack || e}`);
  return r;
});
process.stdout.write(result.json() + '\n');
process.exitCode = result.ok ? 0 : 1;
