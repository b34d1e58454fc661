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
// the list of signals, say:
//
//   'signals': { h1: { nl: 'Wat loop je tegenaan?' } },     // in PAGES
//   ['the signals', (s) => s.goto('signals', '/signals')],  // in pages()
//
// and its name in PAGE_TYPES of tests/e2e/test_browser.py.  A form is
// s.fill(locator, text) per field, s.choose(radio) per group of radios
// and s.submit(type, button); a refused form's page type checks its
// summary and fields with check: refused; a new
// scenario is a function from the seeded data to its steps, named in
// SCENARIOS and run by one test function.

import fs from 'node:fs';

import { Mailbox, Result, Session, launch, log } from './lib.mjs';

// ---- the page types ----

// A refused form (422): the problems listed at the top in an alert, each
// a link to its field, and every field it names marked invalid and
// described by its own error (FIELD-error).
async function refused(s, v) {
  const bad = await s.page.evaluate(() => {
    const out = [];
    const links = [...document.querySelectorAll('[role=alert] a[href^="#"]')];
    if (links.length === 0)
      out.push('no link to a field in an alert');
    for (const a of links) {
      const id = a.getAttribute('href').slice(1);
      const f = document.getElementById(id);
      if (!f) {
        out.push(`the summary links to #${id}, which is not there`);
        continue;
      }
      const err = document.getElementById(`${id}-error`);
      if (!err || !err.textContent.trim())
        out.push(`#${id} has no ${id}-error`);
      const field = f.matches('input, textarea, select') ? f :
          f.querySelector('input, textarea, select');
      if (f.getAttribute('aria-invalid') !== 'true' &&
          field?.getAttribute('aria-invalid') !== 'true')
        out.push(`#${id} is not marked invalid`);
      if (f.matches('input, textarea, select') && !(f.getAttribute(
          'aria-describedby') || '').split(/\s+/).includes(`${id}-error`))
        out.push(`#${id} is not described by its error`);
    }
    return out;
  });
  for (const b of bad)
    v.fail(b);
}
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
  'signals': { h1: { nl: 'Wat loop je tegenaan?',
                     en: 'What are you running into?' } },
  'signals-thanks': { h1: { nl: 'Dank je wel', en: 'Thank you' } },
  'signals-refused': { status: 422, h1: { nl: 'Wat loop je tegenaan?' },
                       check: refused },
  // A group's secret page: its heading is the group's name.
  'group-page': {},
  'group-session': {},
  // A proposal open for ideas: its topics with votes, no registration.
  'ideas': { check: async (s, v) => {
    if (await $(s, 'form[action*="/register"]').count())
      v.fail('a proposal offers a registration form');
  } },
  'me-followed': { h1: { nl: 'Je volgt de groep',
                         en: 'You follow the group' } },
  'me-voted': { h1: { nl: 'Je stem is geteld',
                      en: 'Your vote is counted' } },
  'me-suggested': { h1: { nl: 'Dank je voor je voorstel' } },
  'me-refused': { status: 422, h1: { nl: 'Jouw pagina', en: 'Your page' },
                  check: refused },
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

// From the personal page: follow a group, then raise a signal through
// the header's navigation.
function follow_and_signal(d) {
  const g = d.follow, sig = d.signal;
  return [
    ['follow a group', (s) => s.submit('me-followed',
        $(s, `form[action*="/follow"]:has(input[name=group]` +
            `[value="${g.slug}"]) button`))],
    ['back to the personal page', (s) => s.follow('me',
        $(s, 'main a[href^="/me/"]')),
      async (s) => {
        const leave = $(s, `form[action*="/unfollow"]:has(` +
            `input[name=group][value="${g.slug}"]) button`);
        if (!(await leave.isVisible()))
          throw new Error('no "Niet meer volgen" for the group followed');
        s.result.facts.follows = await $(s, 'form[action*="/unfollow"] ' +
            'input[name=group]').evaluateAll((l) => l.map((i) => i.value));
      }],
    ['open "Wat loop je tegenaan?" from the header', (s) => s.follow(
        'signals', $(s, 'header nav a[href^="/signals"]')),
      (s) => s.sees(sig.closed_note)],
    ['choose what it is about and write it down', async (s) => {
      await s.choose($(s, `input[name=category][value="${sig.category}"]`));
      await s.fill($(s, '#text'), sig.text);
    }],
    ['send the signal', (s) => s.submit('signals-thanks',
        $(s, 'form[action^="/signals"] button[type=submit]'))],
    ['what was done with the signals', (s) => s.follow('signals',
        $(s, 'main a[href*="/signals"]')),
      (s) => s.misses(sig.text)],
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
    ...follow_and_signal(d),
    ['back to the personal page by its link', (s) => s.goto('me',
        s.vars.me)],
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

// The anonymous group's secret page: its sessions with counts and no
// names, and a registration through it.
function group(d) {
  const c = d.circle, who = d.people.parent, member = d.people.member;
  const below = (s) => {
    if (!s.path().startsWith(c.page + '/sessions/'))
      throw new Error(`${s.path()} is not below the group's page`);
  };
  const nameless = async (s) => {
    for (const t of [member.name, member.email, who.name, who.email])
      await s.misses(t);
  };
  return [
    ['open the group\'s page', (s) => s.goto('group-page', c.page),
      async (s) => {
        const h1 = (await $(s, 'h1').textContent()).trim();
        if (h1 !== c.name)
          throw new Error(`its heading says ${JSON.stringify(h1)}`);
        await s.sees(c.title);
        await s.sees('1 aangemeld');
        await nameless(s);
      }],
    ['open its session', (s) => s.follow('group-session',
        $(s, `main a[href^="${c.page}/sessions/"]`).first()),
      async (s) => {
        below(s);
        await s.sees(c.title);
        if (!(await $(s, `form[action^="${c.page}/sessions/"]` +
            '[action$="/register"]').count()))
          throw new Error('its form does not post below the group\'s page');
      }],
    ...register(who, c.title, 'confirmed'),
    ['the page counts one more, and names nobody', (s) => s.goto(
        'group-page', c.page),
      async (s) => {
        await s.sees('2 aangemeld');
        await nameless(s);
      }],
    ['its session names nobody either', (s) => s.follow('group-session',
        $(s, `main a[href^="${c.page}/sessions/"]`).first()),
      async (s) => {
        below(s);
        await nameless(s);
      }],
  ];
}

// A proposal open for ideas: from the agenda's "Denk mee" to its page,
// then, with a personal link asked for on /link, a vote and a
// suggestion, the blank one refused at its field first.
function ideas(d) {
  const p = d.proposal, who = d.people.member;
  const field = `#suggest-${p.id}`;
  return [
    ['open the agenda', (s) => s.goto('agenda', '/'),
      async (s) => {
        await s.sees('Denk mee');
        await s.sees(p.title);
      }],
    ['open the proposal under "Denk mee"', (s) => s.follow('ideas',
        $(s, `section[aria-labelledby=ideas] ` +
            `a[href^="${session_href(p.uid)}"]`)),
      (s) => s.sees(`${p.topic} \u00b7 0 stemmen`)],
    ['ask for a personal link', (s) => s.follow('link',
        $(s, 'header nav a[href^="/link"]'))],
    ['give the address', async (s) => {
      // The mails it had before (its registration's) hold an older link.
      s.vars.mails = s.mail.to(who.email).length;
      await s.fill($(s, '#email'), who.email);
      await s.submit('link-sent', $(s, 'form button[type=submit]'));
    }],
    ['the link in the mail', async (s) => {
      s.vars.me = (await s.mail.link(who.email, ME_LINK,
          s.vars.mails)).path;
    }],
    ['open the personal page', (s) => s.goto('me', s.vars.me),
      async (s) => {
        await s.sees(p.title);
        await s.sees(p.topic);
      }],
    ['vote for the topic', (s) => s.submit('me-voted',
        $(s, 'form[action*="/vote"] button'))],
    ['back to the personal page', (s) => s.follow('me',
        $(s, 'main a[href^="/me/"]')),
      async (s) => {
        await s.sees('je hebt gestemd');
        if (await $(s, 'form[action*="/vote"]').count())
          throw new Error('the vote is offered again');
      }],
    ['suggest nothing but spaces', async (s) => {
      await s.fill($(s, field), '   ');
      await s.submit('me-refused', $(s,
          `form[action*="/suggest"]:has(${field}) button`));
    }, (s) => s.sees('Schrijf het onderwerp op.')],
    ['the summary\'s link leads to the field', async (s) => {
      // By the keyboard, whatever the scenario's mode: the link is
      // reached with Tab and followed with Enter.
      await s.focus($(s, `[role=alert] a[href="${field}"]`));
      await s.page.keyboard.press('Enter');
      await s.page.waitForFunction((id) => document.activeElement?.id ===
          id, field.slice(1), { timeout: 5000 });
      await s.focus_visible();
      const f = await $(s, field).evaluate((el) => ({
        invalid: el.getAttribute('aria-invalid'),
        described: (el.getAttribute('aria-describedby') || '').split(' ')
            .map((id) => document.getElementById(id)?.textContent.trim()),
      }));
      if (f.invalid !== 'true' ||
          !f.described.includes('Schrijf het onderwerp op.'))
        throw new Error(`the field says ${JSON.stringify(f)}`);
      s.result.facts.refused_field = f;
    }],
    ['write the suggestion', async (s) => {
      await s.fill($(s, field), p.suggestion);
      await s.submit('me-suggested', $(s,
          `form[action*="/suggest"]:has(${field}) button`));
    }],
    ['the proposal counts the vote', (s) => s.goto('ideas',
        session_href(p.uid)),
      async (s) => {
        await s.sees(`${p.topic} \u00b7 1 stem`);
        // Shown only once an organiser lets it through.
        await s.misses(p.suggestion);
      }],
  ];
}

// Every page type once, for axe and html-validate.
function pages(d) {
  const who = d.people.parent, p = d.proposal;
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
    ['follow a group', (s) => s.submit('me-followed',
        $(s, 'form[action*="/follow"] button').first())],
    ['personal page', (s) => s.goto('me', s.vars.me)],
    ['vote', (s) => s.submit('me-voted',
        $(s, 'form[action*="/vote"] button').first())],
    ['personal page', (s) => s.goto('me', s.vars.me)],
    ['a blank suggestion', async (s) => {
      await s.fill($(s, `#suggest-${p.id}`), ' ');
      await s.submit('me-refused', $(s, 'form[action*="/suggest"] button'));
    }],
    ['a suggestion', async (s) => {
      await s.fill($(s, `#suggest-${p.id}`), p.suggestion);
      await s.submit('me-suggested',
          $(s, 'form[action*="/suggest"] button'));
    }],
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
    ['signals', (s) => s.goto('signals', '/signals')],
    ['a signal with nothing in it', async (s) => {
      await $(s, 'form[action^="/signals"]').evaluate((f) => {
        f.noValidate = true;
      });
      await s.submit('signals-refused', $(s,
          'form[action^="/signals"] button[type=submit]'));
    }],
    ['a signal', async (s) => {
      await s.choose($(s, 'input[name=category]').first());
      await s.fill($(s, '#text'), d.signal.text);
      await s.submit('signals-thanks', $(s,
          'form[action^="/signals"] button[type=submit]'));
    }],
    ['a group\'s page', (s) => s.goto('group-page', d.circle.page)],
    ['its session', (s) => s.follow('group-session',
        $(s, `main a[href^="${d.circle.page}/sessions/"]`).first())],
    ['a proposal open for ideas', (s) => s.goto('ideas',
        session_href(p.uid))],
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
  group: { steps: group },
  ideas: { steps: ideas },
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
