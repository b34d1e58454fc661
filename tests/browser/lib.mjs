// What the browser journeys share: Debian's chromium through
// playwright-core, the checks every visited page goes through (axe-core
// with the WCAG 2.1 A and AA rules, html-validate on the HTML as served,
// full-page screenshots at 375 and 1280 px), the mail the daemon left in
// its Maildir (parsed as MIME), and two ways of acting on a page: with
// the mouse, or with the keyboard only.
//
// Nothing here knows a page of hersteld by name: the page types and the
// scenarios are tables in journey.mjs.
//
// Environment: CHROMIUM (default /usr/bin/chromium), AXE_TAGS (the axe
// rule tags, comma-separated; default the WCAG 2.1 A and AA ones),
// BROWSER_STEP_TIMEOUT (ms, default 30000), BROWSER_TIMING=1 (the time
// of every check on stderr).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { chromium } from 'playwright-core';
import { HtmlValidate } from 'html-validate';

const require = createRequire(import.meta.url);
const HERE = path.dirname(new URL(import.meta.url).pathname);

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const AXE_TAGS = (process.env.AXE_TAGS ||
    'wcag2a,wcag2aa,wcag21a,wcag21aa').split(',');
export const WIDTHS = [375, 1280];

// How long one action may take: generous, for a daemon under ASan on a
// busy two-core machine.
export const STEP_TIMEOUT = Number(process.env.BROWSER_STEP_TIMEOUT ||
    30000);

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'),
    'utf8');
// html-validate's recommended rules, less one (.htmlvalidate.json):
// long-title, which wants a <title> under 70 characters for search
// results.  A session page's title is the session's own title, as its
// organiser wrote it, and WCAG asks for a title that describes the page,
// not a short one: cutting it would hide part of what it says.
const htmlvalidate = new HtmlValidate(JSON.parse(fs.readFileSync(
    path.join(HERE, '.htmlvalidate.json'), 'utf8')));

export function log(...args) {
  process.stderr.write(args.join(' ') + '\n');
}

// ---- the run and its result ----

// Everything a scenario found; printed as one JSON line at the end.
export class Result {
  constructor(scenario) {
    this.scenario = scenario;
    this.t0 = Date.now();
    this.steps = [];
    this.pages = [];
    this.violations = [];
    this.html_errors = [];
    this.failures = [];
    this.facts = {};
    this.screenshots = 0;
  }

  fail(what) {
    log(`FAIL: ${what}`);
    this.failures.push(what);
  }

  get ok() {
    return this.failures.length === 0 && this.violations.length === 0 &&
        this.html_errors.length === 0 && this.steps.length > 0 &&
        this.steps.every((s) => s.ok);
  }

  json() {
    return JSON.stringify({
      scenario: this.scenario,
      ok: this.ok,
      ms: Date.now() - this.t0,
      steps: this.steps,
      steps_passed: this.steps.filter((s) => s.ok).length,
      pages: this.pages,
      violations: this.violations,
      html_errors: this.html_errors,
      screenshots: this.screenshots,
      failures: this.failures,
      facts: this.facts,
    });
  }
}

// ---- chromium ----

// The browser, or an exception that says why it did not start (the test
// fails then: a browser test that cannot see a browser proves nothing).
export async function launch() {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/deps.sh check ` +
        '(it installs Debian\'s chromium)');
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root chromium refuses its sandbox; the pages are our own.
    // (playwright adds its own: headless, no first run, no extensions,
    // no background networking.)
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
    timeout: 60000,
  });
}

// ---- the checks of one page ----

export const PAGE_CHECKS = {
  // The status the page type must answer with.
  async status(v) {
    const want = v.spec.status ?? 200;
    if (v.status !== want)
      v.fail(`answered ${v.status}, expected ${want}`);
  },

  // What the document is made of, read at once: its language (the
  // scenario's), its headings (one h1, saying what the page type says),
  // and no script (the pages need none: outside text that became markup
  // would show here first).
  async document(v) {
    const doc = await v.page.evaluate(() => ({
      lang: document.documentElement.lang,
      scripts: document.scripts.length,
      h1: [...document.querySelectorAll('h1')].map((h) =>
          h.textContent.trim()),
    }));
    v.info.lang = doc.lang;
    if (v.want_lang && doc.lang !== v.want_lang)
      v.fail(`<html lang="${doc.lang}">, expected "${v.want_lang}"`);
    if (doc.scripts !== 0)
      v.fail(`${doc.scripts} <script> element(s) in the page`);
    if (doc.h1.length !== 1)
      v.fail(`${doc.h1.length} <h1> elements`);
    // As assistive technology sees it: a role on the h1 would take its
    // heading away.
    const n = await v.page.getByRole('heading', { level: 1 }).count();
    if (n !== 1)
      v.fail(`${n} level-one headings in the accessibility tree`);
    const want = v.spec.h1?.[v.want_lang];
    if (want !== undefined && doc.h1[0] !== want)
      v.fail(`its heading says ${JSON.stringify(doc.h1[0])}, expected ` +
          JSON.stringify(want));
  },

  async html(v) {
    if (v.source === null) {
      v.fail('the served HTML could not be read');
      return;
    }
    const report = await htmlvalidate.validateString(v.source,
        `${v.type}.html`);
    let n = 0;
    for (const r of report.results)
      for (const m of r.messages) {
        if (m.severity < 2)
          continue;
        n++;
        v.result.html_errors.push({ page: v.type, url: v.path,
            rule: m.ruleId, message: m.message, line: m.line,
            column: m.column, selector: m.selector });
      }
    v.info.html = n;
  },

  // Full-page pictures at each width; at none may the page scroll
  // sideways (WCAG 1.4.10, reflow).
  async screenshots(v) {
    const size = v.page.viewportSize();
    const files = [];
    for (const width of WIDTHS) {
      await v.page.setViewportSize({ width, height: 800 });
      const wide = await v.page.evaluate(() =>
          document.documentElement.scrollWidth);
      if (wide > width)
        v.fail(`${wide} px wide in a window of ${width} px`);
      const file = path.join(v.shots, `${v.name}-${width}.png`);
      await v.page.screenshot({ path: file, fullPage: true });
      files.push(path.relative(process.cwd(), file));
      v.result.screenshots++;
    }
    await v.page.setViewportSize(size);
    v.info.screenshots = files;
  },

  // axe is in every document of the context (Session.open).
  async axe(v) {
    const out = await v.page.evaluate((tags) => window.axe.run(document,
        { runOnly: { type: 'tag', values: tags }, resultTypes:
          ['violations'] }), AXE_TAGS);
    for (const x of out.violations)
      v.result.violations.push({ page: v.type, url: v.path, id: x.id,
          impact: x.impact, help: x.help,
          nodes: x.nodes.map((n) => ({ target: n.target.join(' '),
              summary: n.failureSummary })) });
    v.info.axe = out.violations.length;
  },
};

// ---- a scenario's browser page ----

export class Session {
  // opts: base (URL), shots (directory), result, mode ('mouse' or
  // 'keyboard'), lang ('nl' or 'en'), pages (the page-type table).
  constructor(browser, opts) {
    this.browser = browser;
    this.base = new URL(opts.base);
    this.shots = opts.shots;
    this.result = opts.result;
    this.mode = opts.mode || 'mouse';
    this.lang = opts.lang || 'nl';
    this.pages = opts.pages;
    this.viewport = opts.viewport || { width: 375, height: 800 };
    this.seen = {};
    this.vars = {};
    this.last = null;		// the last document response
    this.unfocused = new Set();
  }

  async open() {
    // bypassCSP: the daemon's CSP (default-src 'self') must not stand
    // between axe and the page.  It also means that the CSP does not
    // hide markup that slipped through the escaping: the hostile titles
    // test the escaping itself.
    this.context = await this.browser.newContext({ bypassCSP: true,
        viewport: this.viewport, javaScriptEnabled: true,
        serviceWorkers: 'block', locale: 'nl-NL' });
    this.context.setDefaultTimeout(STEP_TIMEOUT);
    // axe-core in every document before it loads: its 550 kB go to
    // the browser once, not once a page (page.addScriptTag would send
    // them with every check, which doubled its time).
    await this.context.addInitScript({ content: AXE_SOURCE });
    this.page = await this.context.newPage();
    const r = this.result;
    this.page.on('dialog', async (d) => {
      r.fail(`a ${d.type()} dialog opened on ${this.path()}: ` +
          JSON.stringify(d.message()));
      await d.dismiss().catch(() => {});
    });
    this.page.on('pageerror', (e) => r.fail(`script error on ` +
        `${this.path()}: ${e.message}`));
    this.page.on('request', (q) => {
      const u = new URL(q.url());
      if (u.protocol !== 'data:' && u.origin !== this.base.origin)
        r.fail(`a request to another origin: ${q.url()}`);
    });
    this.page.on('response', (s) => {
      const q = s.request();
      if (q.isNavigationRequest() && q.frame() === this.page.mainFrame())
        this.last = s;
      else if (s.status() >= 400)
        r.fail(`${q.url()} answered ${s.status()}`);
    });
    this.page.on('requestfailed', (q) => {
      if (!q.isNavigationRequest())
        r.fail(`${q.url()} failed: ${q.failure()?.errorText}`);
    });
  }

  async close() {
    await this.context?.close().catch(() => {});
  }

  path() {
    try {
      const u = new URL(this.page.url());
      return u.pathname + u.search;
    } catch {
      return this.page.url();
    }
  }

  url(p) {
    return new URL(p, this.base).href;
  }

  // ---- going to a page ----

  // Run act (which leads to another document) and wait until that
  // document has loaded; then check it as a page of type type.
  async arrive(type, act) {
    if (!this.pages[type])
      throw new Error(`no page type "${type}" in the table`);
    const before = this.last;
    const loaded = this.page.waitForEvent('load');
    const t0 = Date.now();
    await act();
    const t1 = Date.now();
    await loaded;
    if (process.env.BROWSER_TIMING)
      log(`    act ${t1 - t0} ms, load ${Date.now() - t1} ms`);
    if (this.last === before)
      throw new Error('no document came back');
    await this.check(type);
  }

  // Go to path as if typed into the address bar (a link from a mail).
  goto(type, p) {
    return this.arrive(type, () => this.page.goto(this.url(p),
        { waitUntil: 'commit' }));
  }

  async check(type) {
    const spec = this.pages[type];
    const n = (this.seen[type] = (this.seen[type] || 0) + 1);
    let source = null;
    try {
      source = await this.last.text();
    } catch {
      source = null;
    }
    const info = { type, url: this.path(), status: this.last.status() };
    const v = {
      page: this.page, type, spec, info, source, result: this.result,
      status: this.last.status(), path: this.path(), shots: this.shots,
      name: n === 1 ? type : `${type}-${n}`, want_lang: this.lang,
      fail: (what) => this.result.fail(`${type} ${this.path()}: ${what}`),
    };
    for (const [name, fn] of Object.entries(PAGE_CHECKS)) {
      if (spec.skip?.includes(name))
        continue;
      const t0 = Date.now();
      await fn(v);
      if (process.env.BROWSER_TIMING)
        log(`    ${name} ${Date.now() - t0} ms`);
    }
    // A page type's own checks (PAGES in journey.mjs).
    if (spec.check)
      await spec.check(this, v);
    this.result.pages.push(info);
    log(`  page ${type} ${info.url} ${info.status} axe ${info.axe} ` +
        `html ${info.html}`);
  }

  // ---- acting: with the mouse, or with the keyboard only ----

  // Follow a link (leads to a page of type type).
  follow(type, locator) {
    return this.arrive(type, async () => {
      if (this.mode === 'keyboard') {
        await this.focus(locator);
        await this.page.keyboard.press('Enter');
      } else
        await locator.click();
    });
  }

  // Press a button that sends its form.
  submit(type, locator) {
    return this.arrive(type, async () => {
      if (this.mode === 'keyboard') {
        await this.focus(locator);
        await this.page.keyboard.press('Space');
      } else
        await locator.click();
    });
  }

  // Choose a radio button.  A group of radios is one stop of Tab (the
  // checked one, or the first when none is): the keyboard goes there
  // and moves through the group with the arrow keys.
  async choose(locator) {
    if (this.mode === 'keyboard') {
      const name = await locator.getAttribute('name');
      const group = this.page.locator(`input[type=radio][name="${name}"]`);
      const checked = group.and(this.page.locator(':checked'));
      await this.focus((await checked.count()) ? checked : group.first());
      for (let i = 0; i < await group.count() &&
          !(await locator.isChecked()); i++) {
        await this.page.keyboard.press('ArrowDown');
        this.result.facts.ArrowDown = (this.result.facts.ArrowDown || 0) +
            1;
        await this.focus_visible();
      }
    } else
      await locator.check();
    if (!(await locator.isChecked()))
      throw new Error(`${locator} is not chosen`);
  }

  // Write value into a text field, replacing what was there.
  async fill(locator, value) {
    if (this.mode === 'keyboard') {
      await this.focus(locator);
      await this.page.keyboard.press('ControlOrMeta+A');
      if (value === '')
        await this.page.keyboard.press('Delete');
      else
        await this.page.keyboard.type(value);
    } else {
      await locator.click();
      await locator.fill(value);
    }
    const got = await locator.inputValue();
    if (got !== value)
      throw new Error(`the field holds ${JSON.stringify(got)} after ` +
          `typing ${JSON.stringify(value)}`);
  }

  // Tab (or Shift+Tab, when the target lies before the focus) until the
  // target has the focus; every stop on the way must show it has it.
  async focus(locator, max = 120) {
    const target = await locator.elementHandle();
    if (target === null)
      throw new Error(`nothing to focus: ${locator}`);
    for (let i = 0; i <= max; i++) {
      const where = await target.evaluate((el) => {
        const a = document.activeElement;
        if (a === el)
          return 'here';
        if (!a || a === document.body)
          return 'after';
        return el.compareDocumentPosition(a) &
            Node.DOCUMENT_POSITION_FOLLOWING ? 'before' : 'after';
      });
      if (where === 'here')
        return;
      const key = where === 'before' ? 'Shift+Tab' : 'Tab';
      await this.page.keyboard.press(key);
      this.result.facts[key] = (this.result.facts[key] || 0) + 1;
      await this.focus_visible();
    }
    throw new Error(`${max} presses of Tab did not reach ${locator}`);
  }

  // WCAG 2.4.7: the focused element is on screen and has an outline or
  // a shadow.
  async focus_visible() {
    const f = await this.page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body)
        return null;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const outline = cs.outlineStyle !== 'none' &&
          parseFloat(cs.outlineWidth) > 0;
      const shadow = cs.boxShadow !== '' && cs.boxShadow !== 'none';
      const d = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
          (el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]`
              : '') + ' ' + (el.textContent || '').trim().slice(0, 40);
      return { d, ring: outline || shadow, onscreen: r.width > 0 &&
          r.height > 0 && r.right > 0 && r.bottom > 0 &&
          r.left < document.documentElement.scrollWidth };
    });
    if (f === null)
      return;
    if (!f.ring || !f.onscreen) {
      const key = `${this.path().split('?')[0]} ${f.d}`;
      if (!this.unfocused.has(key)) {
        this.unfocused.add(key);
        this.result.fail(`focus is not visible on ${key} (` +
            (f.ring ? 'off screen' : 'no outline or shadow') + ')');
      }
    }
  }

  // ---- what the page says ----

  async sees(text) {
    const l = this.page.getByText(text, { exact: false }).first();
    if (!(await l.isVisible()))
      throw new Error(`${this.path()} does not show ${JSON.stringify(text)}`);
  }

  async misses(text) {
    const n = await this.page.getByText(text, { exact: false }).count();
    if (n !== 0)
      throw new Error(`${this.path()} shows ${JSON.stringify(text)}`);
  }
}

// ---- mail: the Maildir, read as MIME ----

function unfold(head) {
  const out = [];
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0)
      out.push([line.slice(0, i).trim().toLowerCase(),
                line.slice(i + 1).trim()]);
  }
  return out;
}

// "type/sub; a=b; c="d"" -> { value, params }
function params(value) {
  const parts = [];
  let cur = '', q = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"')
      q = !q;
    else if (c === '\\' && q && i + 1 < value.length)
      cur += value[++i];
    else if (c === ';' && !q) {
      parts.push(cur);
      cur = '';
    } else
      cur += c;
  }
  parts.push(cur);
  const out = { value: parts.shift().trim().toLowerCase(), params: {} };
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i > 0)
      out.params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim();
  }
  return out;
}

function charset_decode(bytes, charset) {
  try {
    return new TextDecoder(charset || 'utf-8', { fatal: false }).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function qp_decode(s) {
  const bytes = [];
  s = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else
      bytes.push(s.charCodeAt(i) & 0xff);
  }
  return Buffer.from(bytes);
}

// RFC 2047 encoded words in a header value.
export function header_decode(v) {
  return v.replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=(\s+(?==\?))?/g,
      (_, cs, enc, text) => charset_decode(enc.toUpperCase() === 'B' ?
          Buffer.from(text, 'base64') :
          qp_decode(text.replace(/_/g, ' ')), cs));
}

// One MIME entity from its bytes (as a latin1 string, byte for byte).
function entity(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers = unfold(head);
  const get = (n) => headers.find(([k]) => k === n)?.[1] ?? '';
  const ct = params(get('content-type') || 'text/plain; charset=us-ascii');
  const e = { headers, get: (n) => header_decode(get(n)), type: ct.value,
              parts: [], text: null };
  if (ct.value.startsWith('multipart/') && ct.params.boundary) {
    const delim = '--' + ct.params.boundary;
    const lines = body.split(/\r?\n/);
    let cur = null;
    for (const line of lines) {
      if (line === delim || line === delim + '--') {
        if (cur !== null)
          e.parts.push(entity(cur.join('\r\n')));
        if (line === delim + '--')
          break;
        cur = [];
      } else if (cur !== null)
        cur.push(line);
    }
    return e;
  }
  const cte = get('content-transfer-encoding').toLowerCase();
  const bytes = cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''),
      'base64') : cte === 'quoted-printable' ? qp_decode(body) :
      Buffer.from(body, 'latin1');
  if (ct.value.startsWith('text/'))
    e.text = charset_decode(bytes, ct.params.charset);
  return e;
}

function walk(e, out = []) {
  out.push(e);
  for (const p of e.parts)
    walk(p, out);
  return out;
}

export function parse_mail(buf) {
  const top = entity(buf.toString('latin1'));
  const plain = walk(top).find((p) => p.type === 'text/plain');
  return { to: top.get('to'), subject: top.get('subject'),
           text: plain ? plain.text : '', types: walk(top).map((p) => p.type),
           top };
}

export class Mailbox {
  constructor(dir) {
    this.dir = dir;
  }

  // Every delivered mail, oldest first (the daemon names its files by
  // the time, seconds and microseconds, of a fixed width).
  all() {
    const files = [];
    for (const sub of ['new', 'cur']) {
      const d = path.join(this.dir, sub);
      if (fs.existsSync(d))
        for (const f of fs.readdirSync(d))
          files.push({ p: path.join(d, f), f });
    }
    files.sort((a, b) => (a.f < b.f ? -1 : a.f > b.f ? 1 : 0));
    return files.map(({ p }) => ({ file: p, ...parse_mail(
        fs.readFileSync(p)) }));
  }

  to(address) {
    const a = address.toLowerCase();
    return this.all().filter((m) => m.to.toLowerCase().includes(a));
  }

  // The first mail to address after the first `after` ones whose text
  // has a link matching re: that link's path (the mail names the
  // public_url; the browser asks the daemon it tests), the mail, and its
  // index among the mails to address.
  async link(address, re, after = 0, timeout = STEP_TIMEOUT) {
    const until = Date.now() + timeout;
    for (;;) {
      const mails = this.to(address);
      for (let i = after; i < mails.length; i++) {
        const found = mails[i].text.match(re);
        if (found) {
          const u = new URL(found[0]);
          return { path: u.pathname + u.search, mail: mails[i], index: i };
        }
      }
      if (Date.now() > until)
        throw new Error(`no mail to ${address} with a link like ${re} ` +
            `within ${timeout} ms (${this.to(address).length} mail(s))`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
