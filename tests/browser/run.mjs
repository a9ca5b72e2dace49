// Real-browser checks of the handbook's site, run by tests/browser.rs:
//
//     node tests/browser/run.mjs http://127.0.0.1:PORT target/browser-screenshots
//
// Debian's headless chromium, driven by playwright-core (never a downloaded browser). Every page
// type is checked with axe-core against WCAG 2.0/2.1 A and AA and photographed whole; then the
// journeys a person takes: instant search, facets, sharing, comparing, switching language,
// keyboard only, a 360 px phone, printing, and the page without JavaScript. Exits 0 only when
// every check passed; the last line sums them up.

import { chromium } from "playwright-core";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
const AXE_SOURCE = fs.readFileSync(AXE_PATH, "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const [BASE, SHOTS] = process.argv.slice(2);
if (!BASE || !SHOTS) {
  console.error("usage: node run.mjs <base_url> <screenshot_dir>");
  process.exit(2);
}
fs.mkdirSync(SHOTS, { recursive: true });

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// Every wait is bounded: one action or wait at most ACTION_MS, one check at most CHECK_MS.
const ACTION_MS = 10_000;
const CHECK_MS = 60_000;
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 360, height: 740 };
// The same media query app.js uses for folding the facets.
const NARROW_QUERY = "(max-width: 48rem)";

// ---------------------------------------------------------------------------------------------
// Harness

const checks = [];
// ONLY=words runs just the checks whose name contains them (while working on one).
const ONLY = process.env.ONLY || "";
function check(name, fn) {
  if (name.includes(ONLY)) checks.push({ name, fn });
}

/** A failed expectation, with what was seen. */
function fail(message) {
  throw new Error(message);
}
function expect(condition, message) {
  if (!condition) fail(message);
}

let shotNumber = 0;
const shots = [];
async function screenshot(page, name) {
  shotNumber += 1;
  const file = path.resolve(SHOTS, `${String(shotNumber).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: ACTION_MS });
  shots.push(file);
  console.log(`  screenshot ${file}`);
}

/** Console errors (a CSP refusal is one), uncaught exceptions: every page must have none. */
function watch(page) {
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    // The document itself answering 404 is what the 404 page is for.
    if (/Failed to load resource/.test(text) && msg.location().url === page.__expected404) return;
    problems.push(`console error: ${text} (${msg.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught exception: ${error.message}`));
  page.__problems = problems;
  return problems;
}

function assertClean(page) {
  const problems = page.__problems || [];
  expect(
    problems.length === 0,
    `the page ${page.url()} logged errors:\n    ${problems.join("\n    ")}`,
  );
}

// Pages a check opened, closed when it ends however it ends: each holds a live-reload stream,
// and chromium opens at most 6 connections to one host, so pages left open would starve later
// checks.
const openPages = [];
async function closePages() {
  while (openPages.length) await openPages.pop().close().catch(() => {});
}

/** Opens `target` in a new page of `context` and checks the answer's status. */
async function open(context, target, { status = 200 } = {}) {
  const page = await context.newPage();
  openPages.push(page);
  watch(page);
  if (status === 404) page.__expected404 = BASE + target;
  const response = await page.goto(BASE + target, { waitUntil: "load", timeout: ACTION_MS });
  expect(response, `GET ${target}: no response`);
  expect(
    response.status() === status,
    `GET ${target} answered ${response.status()}, expected ${status} (is the page implemented yet?)`,
  );
  return page;
}

/** Fails clearly when markup the spec promises is missing. */
async function need(page, selector, what) {
  const n = await page.locator(selector).count();
  expect(n > 0, `missing markup on ${page.url()}: ${selector} (${what})`);
  return page.locator(selector).first();
}

/** Waits until #compare-count shows `n` picks (not the hint it shows with none, which may
 * name numbers too), or fails saying what it shows. */
async function countShows(page, n) {
  if (page.__noPicks === undefined) page.__noPicks = await text(page, "#compare-count");
  await page
    .waitForFunction(
      ([n, none]) => {
        const t = document.getElementById("compare-count").textContent.trim();
        return t !== none && new RegExp("(^|\\D)" + n + "(\\D|$)").test(t);
      },
      [n, page.__noPicks],
    )
    .catch(async () => fail(`after ${n} picks #compare-count says "${await text(page, "#compare-count")}"`));
}

async function text(page, selector) {
  return ((await page.locator(selector).first().textContent({ timeout: ACTION_MS })) || "").trim();
}

/** Marks the document, so a later check can tell that no navigation replaced it. */
async function markDocument(page) {
  await page.evaluate(() => {
    window.__sameDocument = true;
  });
}
async function assertSameDocument(page, what) {
  const same = await page.evaluate(() => window.__sameDocument === true);
  expect(same, `${what}: the page was reloaded or navigated away, it should update in place`);
}

/** Does `text` show the number `n` as a number of its own ("14" does not show 4)? */
function says(text, n) {
  return new RegExp("(^|\\D)" + n + "(\\D|$)").test(text || "");
}

async function api(target) {
  const response = await fetch(BASE + target, { signal: AbortSignal.timeout(ACTION_MS) });
  expect(response.ok, `GET ${target} answered ${response.status}`);
  return response.json();
}

// axe: results per page, for the summary at the end.
const axeResults = [];

async function injectAxe(page) {
  // The site's CSP (script-src 'self') refuses the inline <script> addScriptTag writes, so the
  // context that runs axe has bypassCSP; app.js is still checked under the real CSP elsewhere.
  await page.addScriptTag({ path: AXE_PATH });
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  expect(await page.evaluate(() => typeof window.axe === "object"), "axe-core did not load");
}

async function runAxe(page, label) {
  await injectAxe(page);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
      summary: (v.nodes[0] && v.nodes[0].failureSummary) || "",
    }));
  }, AXE_TAGS);
  axeResults.push({ label, violations: violations.length });
  if (violations.length) {
    const lines = violations.map(
      (v) =>
        `${v.id} [${v.impact}] ${v.help}\n      on: ${v.targets.join(" | ")}\n      ${v.summary.replace(/\n/g, "\n      ")}`,
    );
    fail(`axe found ${violations.length} violation(s) on ${label}:\n    ${lines.join("\n    ")}`);
  }
}

/** The element furthest right, to say what makes a page scroll sideways. */
async function horizontalOverflow(page, width) {
  return page.evaluate((width) => {
    const doc = document.documentElement;
    if (doc.scrollWidth <= width) return null;
    let worst = null;
    let escaped = null;
    const describe = (el, r) => ({
      right: Math.round(r.right),
      name:
        el.tagName.toLowerCase() +
        (el.id ? "#" + el.id : "") +
        (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""),
      text: (el.textContent || "").trim().slice(0, 60),
    });
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      // An absolutely placed element can escape a scroller that is not its containing block.
      if (r.right > width + 0.5 && getComputedStyle(el).position === "absolute" && (!escaped || r.right > escaped.right)) {
        escaped = describe(el, r);
      }
      if (r.right > width + 0.5 && (!worst || r.right > worst.right)) {
        // Overflow inside a scrolling wrapper is that wrapper's business.
        let scroller = el.parentElement;
        let contained = false;
        while (scroller && scroller !== document.body) {
          const o = getComputedStyle(scroller).overflowX;
          if (o === "auto" || o === "scroll" || o === "hidden") {
            contained = true;
            break;
          }
          scroller = scroller.parentElement;
        }
        if (contained) continue;
        worst = describe(el, r);
      }
    }
    return { scrollWidth: doc.scrollWidth, worst: worst || escaped };
  }, width);
}

async function assertNoSidewaysScroll(page, width) {
  const overflow = await horizontalOverflow(page, width);
  expect(
    !overflow,
    overflow &&
      `${page.url()} scrolls sideways at ${width} px: scrollWidth ${overflow.scrollWidth}` +
        (overflow.worst
          ? `, widest ${overflow.worst.name} to ${overflow.worst.right} px ("${overflow.worst.text}")`
          : ""),
  );
}

async function clipboardText(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Facet checkboxes with the count beside each, as the page shows them. */
async function facetValues(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('aside.facets input[type="checkbox"]')).map((box) => {
      const label = document.querySelector('label[for="' + box.id + '"]');
      const count = label && label.querySelector(".count");
      const n = count ? parseInt(count.textContent.replace(/[^0-9]/g, ""), 10) : NaN;
      return { id: box.id, name: box.name, value: box.value, checked: box.checked, count: n };
    }),
  );
}

async function hits(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("ol.hits > li.hit")).map((li) => {
      const a = li.querySelector("h2 a");
      const pick = li.querySelector("input.compare-pick");
      return {
        title: a ? a.textContent.trim() : "",
        href: a ? a.getAttribute("href") : "",
        pick: pick ? pick.id : null,
        id: pick ? pick.value : null,
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Set-up: one chromium; contexts for each kind of visitor.

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  timeout: 30_000,
  // playwright starts chromium with a fresh temporary profile (user-data-dir) of its own; these
  // keep it from calling home, which the closed network would refuse.
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

async function newContext(options = {}) {
  const context = await browser.newContext({
    viewport: WIDE,
    reducedMotion: "reduce",
    ...options,
  });
  context.setDefaultTimeout(ACTION_MS);
  context.setDefaultNavigationTimeout(ACTION_MS);
  return context;
}

const axeContext = await newContext({ bypassCSP: true });
const axeNarrow = await newContext({ bypassCSP: true, viewport: NARROW });
const site = await newContext();
await site.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
const phone = await newContext({ viewport: NARROW });
const noScript = await newContext({ javaScriptEnabled: false });

// Two measures to look at and compare, as the API finds them.
const found = await api("/api/search?q=najemnina").catch((error) => {
  console.error(`cannot ask ${BASE}/api/search: ${error.cause || error.message}`);
  process.exit(1);
});
if (found.hits.length < 2) {
  console.error(`need two measures for "najemnina", the API found ${found.hits.length}`);
  process.exit(1);
}
const [A, B] = found.hits;
// A shipped measure whose official source has a long address, one unbroken "word".
const LONG_URL = "kranj-najemnine-staro-mestno-jedro-2018";
// A shipped measure whose text links to a site by name ("ekoper.si").
const LINKED = "koper-znizana-najemnina-staro-mestno-jedro";

// A sole trader opening a shop in rented premises in Ptuj, as /fits asks it.
const FITS_ANSWER =
  "/fits?municipality=ptuj&beneficiary=samostojni-podjetniki&beneficiary=najemniki&beneficiary=trgovci" +
  "&purpose=premises&purpose=starting";

// ---------------------------------------------------------------------------------------------
// Every page type: no axe violation, no console error, a screenshot.

const PAGES = [
  ["search", "/"],
  ["search-query", "/?q=najemnina"],
  ["search-english", "/?lang=en"],
  ["measure", `/measures/${A.id}`],
  ["compare", `/compare?id=${A.id}&id=${B.id}`],
  ["statistics", "/statistics"],
  ["status", "/status"],
  ["not-found", "/no-such-page", 404],
  ["fits", "/fits"],
  ["fits-answer", FITS_ANSWER],
  ["fits-english", "/fits?lang=en&municipality=kranj&purpose=premises&purpose=learning"],
  ["history", `/measures/${A.id}/history`],
  ["changes", "/changes"],
  ["changes-english", "/changes?lang=en&q=najemnina"],
];
for (const [name, target, status = 200] of PAGES) {
  check(`${target} passes axe (WCAG 2.1 A and AA) and logs no errors`, async () => {
    const page = await open(axeContext, target, { status });
    try {
      await screenshot(page, name);
      await runAxe(page, target);
      assertClean(page);
    } finally {
      await page.close();
    }
  });
}
check("the search page at 360 px passes axe and logs no errors", async () => {
  const page = await open(axeNarrow, "/?q=najemnina");
  await screenshot(page, "search-360px");
  await runAxe(page, "/?q=najemnina at 360 px");
  assertClean(page);
  await page.close();
});

check("/fits at 360 px passes axe, does not scroll sideways and logs no errors", async () => {
  const page = await open(axeNarrow, FITS_ANSWER);
  await screenshot(page, "fits-answer-360px");
  await runAxe(page, "/fits (answered) at 360 px");
  await assertNoSidewaysScroll(page, NARROW.width);
  assertClean(page);
  await page.close();
});

// ---------------------------------------------------------------------------------------------
// Journeys

check("without JavaScript, by keyboard, the questionnaire from the front page answers with the search", async () => {
  const front = await open(noScript, "/");
  const link = await need(front, 'a[href="/fits"]', "the front page's link to /fits");
  await Promise.all([front.waitForURL((u) => u.pathname === "/fits"), link.press("Enter")]);
  const page = front;
  await need(page, "form#fits fieldset legend", "the questions' fieldsets and legends");
  const select = await need(page, 'select#fits-municipality[name="municipality"]', "the municipality field");
  expect(
    (await page.locator('label[for="fits-municipality"]').count()) === 1,
    "the municipality field has no label",
  );
  await select.focus();
  await select.selectOption("ptuj");
  for (const id of ["fits-b-samostojni-podjetniki", "fits-b-najemniki", "fits-p-premises", "fits-p-starting"]) {
    const box = await need(page, `[id="${id}"]`, id);
    await box.focus();
    await page.keyboard.press("Space");
    expect(await box.isChecked(), `Space on ${id} did not tick it`);
  }
  await page.locator('form#fits button[type="submit"]').focus();
  await Promise.all([
    page.waitForURL((u) => u.pathname === "/fits" && u.searchParams.get("municipality") === "ptuj"),
    page.keyboard.press("Enter"),
  ]);
  const url = new URL(page.url());
  expect(
    url.searchParams.getAll("purpose").includes("premises") && url.searchParams.getAll("beneficiary").includes("najemniki"),
    `the form sent ${url.search}`,
  );
  const items = page.locator("section.fits-results ol.hits > li.hit");
  const n = await items.count();
  expect(n > 0, "the answer lists no measure for a sole trader renting a shop in Ptuj");
  for (let i = 0; i < n; i++) {
    const why = ((await items.nth(i).locator("p.why").textContent()) || "").trim();
    expect(/Velja (v vaši občini|po vsej Sloveniji)/.test(why), `result ${i + 1} does not say why it fits: "${why}"`);
  }
  expect(await page.locator('#fits-municipality option[value="ptuj"]').evaluate((o) => o.selected), "the answer forgot the municipality");
  // The answer is the search: the same measures, as a search with applies_in.
  const asSearch = await need(page, "a.as-search", "the link to the same search");
  const href = await asSearch.getAttribute("href");
  expect(new URL(href, BASE).searchParams.get("applies_in") === "ptuj", `the search link is ${href}`);
  const search = await api("/api/search" + new URL(href, BASE).search + "&per_page=100");
  const listed = await page.evaluate(() =>
    Array.from(document.querySelectorAll("section.fits-results li.hit h3 a")).map((a) => a.getAttribute("href").replace(/^\/measures\//, "")),
  );
  expect(
    JSON.stringify(listed) === JSON.stringify(search.hits.slice(0, listed.length).map((h) => h.id)),
    `/fits lists ${JSON.stringify(listed)}, the search ${JSON.stringify(search.hits.map((h) => h.id))}`,
  );
  await screenshot(page, "step-fits-answered-without-javascript");
  await page.close();
});

check("ticking one municipality includes the national measures until the box is cleared", async () => {
  const page = await open(site, "/");
  const kranj = await need(page, '[id="f-municipality-kranj"]', "Kranj in the municipality facet");
  const withNational = (await api("/api/search?applies_in=kranj")).total;
  const alone = (await api("/api/search?municipality=kranj")).total;
  expect(withNational > alone, `applies_in=kranj finds ${withNational}, municipality=kranj ${alone}`);
  await kranj.check();
  await page.waitForURL((u) => u.searchParams.getAll("municipality").includes("kranj"));
  await page.waitForFunction((n) => new RegExp("(^|\\D)" + n + "(\\D|$)").test(document.querySelector("p.total").textContent), withNational);
  const box = await need(page, "#f-national", "the 'include national measures' box");
  expect(await box.isChecked(), "with one municipality ticked, national measures are not included by default");
  await box.uncheck();
  await page.waitForFunction((n) => new RegExp("(^|\\D)" + n + "(\\D|$)").test(document.querySelector("p.total").textContent), alone);
  expect(!(await page.locator("#f-national").isChecked()), "the box is ticked again after the redraw");
  await screenshot(page, "step-national-measures-left-out");
  assertClean(page);
  await page.close();
});


check("typing in the search box updates the results without submitting the form", async () => {
  const page = await open(site, "/");
  await need(page, "form#search #q", "the search box");
  await need(page, "section.results p.total", "the line with the number of results");
  const before = await text(page, "p.total");
  const expected = (await api("/api/search?q=najemnina")).total;
  await markDocument(page);
  await page.locator("#q").pressSequentially("najemnina", { delay: 25 });
  await page.waitForURL((u) => u.searchParams.get("q") === "najemnina");
  await page.waitForFunction(
    (before) => document.querySelector("p.total").textContent.trim() !== before,
    before,
  );
  await assertSameDocument(page, "instant search");
  const total = await text(page, "p.total");
  expect(
    says(total, expected),
    `after typing "najemnina" the total line says "${total}", the API counts ${expected}`,
  );
  const list = await hits(page);
  expect(list.length > 0, "no results listed after typing");
  expect(
    list[0].href === `/measures/${A.id}`,
    `the first result is ${list[0].href}, the API ranks /measures/${A.id} first`,
  );
  await screenshot(page, "step-instant-search");
  assertClean(page);
  await page.close();
});

check("only the line with the number of results is announced after an instant search", async () => {
  const page = await open(site, "/");
  const status = await need(page, "#results-status", "p.total#results-status, the announced line");
  const live = await page.evaluate(() => ({
    section: document.querySelector("section.results").getAttribute("aria-live"),
    status: document.getElementById("results-status").getAttribute("aria-live"),
  }));
  expect(
    !live.section || live.section === "off",
    `section.results still has aria-live="${live.section}": the whole list would be read out`,
  );
  expect(live.status === "polite", `#results-status has aria-live="${live.status}", expected polite`);
  await status.evaluate((el) => {
    el.__kept = true;
  });
  await page.locator("#q").fill("fasada");
  await page.waitForURL((u) => u.searchParams.get("q") === "fasada");
  await page.waitForFunction(() => /fasad/i.test(document.title));
  const kept = await page.evaluate(() => {
    const el = document.getElementById("results-status");
    return { same: !!(el && el.__kept), text: el ? el.textContent.trim() : null };
  });
  expect(
    kept.same,
    "#results-status was replaced by the swap: a live region that is new is not announced",
  );
  const expected = (await api("/api/search?q=fasada")).total;
  expect(
    says(kept.text, expected),
    `#results-status says "${kept.text}" after the swap, the API counts ${expected}`,
  );
  assertClean(page);
  await page.close();
});

check("ticking a facet narrows the results, updates the counts and the address", async () => {
  const page = await open(site, "/");
  await need(page, "aside.facets details.facets-fold", "the facets' fold");
  await need(page, 'aside.facets fieldset.facet input[type="checkbox"]', "facet checkboxes");
  const total = (await api("/api/search")).total;
  const before = await facetValues(page);
  const pick = before.find((v) => !v.checked && v.count > 0 && v.count < total);
  expect(pick, `no facet value narrows the ${total} results: ${JSON.stringify(before)}`);
  await markDocument(page);
  await page.locator(`[id="${pick.id}"]`).check();
  await page.waitForURL((u) => u.searchParams.getAll(pick.name).includes(pick.value));
  await page.waitForFunction(
    (n) => new RegExp("(^|\\D)" + n + "(\\D|$)").test(document.querySelector("p.total").textContent),
    pick.count,
  );
  await assertSameDocument(page, "ticking a facet");
  const shown = (await hits(page)).length;
  expect(
    shown === Math.min(pick.count, 20),
    `${pick.name}=${pick.value} promised ${pick.count} results, the list shows ${shown}`,
  );
  const after = await facetValues(page);
  const changed = after.filter((v) => {
    const old = before.find((b) => b.id === v.id);
    return !old || old.count !== v.count;
  });
  expect(changed.length > 0, "no facet count changed after narrowing the results");
  expect(
    after.find((v) => v.id === pick.id && v.checked),
    `${pick.id} is not ticked after the results were redrawn`,
  );
  await screenshot(page, "step-facet-ticked");
  // The address is the search: opening it again gives the same page.
  const again = await open(site, new URL(page.url()).pathname + new URL(page.url()).search);
  expect(
    (await again.locator(`[id="${pick.id}"]`).isChecked()) &&
      (await text(again, "p.total")) === (await text(page, "p.total")),
    "opening the address the page shows does not give the same search",
  );
  assertClean(page);
  await again.close();
  await page.close();
});

check("the share link copies the address of the current search and says so", async () => {
  const page = await open(site, "/");
  await need(page, "div.tools a#share", "the share link");
  await need(page, '#share-status[role="status"]', "the share status");
  await markDocument(page);
  await page.locator("#q").fill("fasada");
  await page.waitForURL((u) => u.searchParams.get("q") === "fasada");
  await page.waitForFunction(() => /fasad/i.test(document.title));
  const href = await page.evaluate(() => {
    const a = document.getElementById("share");
    return a ? new URL(a.getAttribute("href"), location.href).href : null;
  });
  expect(href === page.url(), `#share points at ${href} after an instant search, the page is at ${page.url()}`);
  await page.locator("#share").click();
  await page.waitForFunction(
    () => document.getElementById("share-status").textContent.trim() === "Povezava je kopirana.",
  ).catch(async () =>
    fail(`#share-status says "${await text(page, "#share-status")}", expected "Povezava je kopirana."`),
  );
  const copied = await clipboardText(page);
  expect(copied === page.url(), `the clipboard holds "${copied}", expected ${page.url()}`);
  await assertSameDocument(page, "clicking the share link");
  await screenshot(page, "step-shared");
  assertClean(page);
  await page.close();

  const en = await open(site, "/?lang=en&q=rent");
  await need(en, "a#share", "the share link in English");
  await en.locator("#share").click();
  await en.waitForFunction(
    () => document.getElementById("share-status").textContent.trim() === "Link copied.",
  ).catch(async () => fail(`#share-status says "${await text(en, "#share-status")}", expected "Link copied."`));
  assertClean(en);
  await en.close();
});

check("the citation and BibTeX copy buttons copy their text and announce it", async () => {
  const page = await open(site, `/measures/${A.id}`);
  await need(page, "section.cite blockquote#citation", "the citation");
  await need(page, "section.cite pre#bibtex", "the BibTeX");
  await need(page, '#copy-status[role="status"]', "the copy status");
  for (const target of ["citation", "bibtex"]) {
    const button = await need(page, `button.copy[data-copy-target="${target}"]`, `copy ${target}`);
    expect(await button.isVisible(), `button.copy for ${target} is still hidden with JavaScript on`);
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.evaluate(() => {
      document.getElementById("copy-status").textContent = "";
    });
    await button.click();
    await page.waitForFunction(() => document.getElementById("copy-status").textContent.trim() !== "");
    const copied = await clipboardText(page);
    const want = (await text(page, `#${target}`)).trim();
    expect(copied.trim() === want && want !== "", `copy ${target} put "${copied}" on the clipboard, expected "${want}"`);
  }
  assertClean(page);
  await page.close();
});

check("two picked results can be compared, and picks survive an instant search", async () => {
  const page = await open(site, "/?q=najemnina");
  await need(page, "form#compare", "the compare form");
  const go = await need(page, "form#compare button#compare-go", "the compare button");
  await need(page, "#compare-count", "the count of picks");
  await need(page, 'input.compare-pick[name="id"][form="compare"]', "compare checkboxes");
  const list = await hits(page);
  expect(list.length >= 2 && list.every((h) => h.pick), "each result needs a compare checkbox");
  expect(
    (await page.locator(`label[for="${list[0].pick}"]`).count()) === 1,
    `the compare checkbox #${list[0].pick} has no label`,
  );
  expect(await go.isDisabled(), "#compare-go is enabled with nothing picked");
  page.__noPicks = await text(page, "#compare-count");
  await page.locator(`[id="${list[0].pick}"]`).check();
  await countShows(page, 1);
  expect(await go.isDisabled(), "#compare-go is enabled with one pick");

  // An instant search redraws the list; the pick stays.
  await page.locator("#sort").selectOption("updated");
  // app.js moves the address only after it swapped in the new results.
  await page.waitForURL((u) => u.searchParams.get("sort") === "updated");
  // The pick is still counted; where the new order lists it on this page, it is ticked (in a
  // large handbook it may now be on another page, and is sent as a hidden field).
  await countShows(page, 1);
  if ((await page.locator(`[id="${list[0].pick}"]`).count()) > 0) {
    expect(
      await page.locator(`[id="${list[0].pick}"]`).isChecked(),
      `${list[0].pick} lost its tick when the results were redrawn`,
    );
  }
  const second = (await hits(page)).find((h) => h.pick !== list[0].pick);
  await page.locator(`[id="${second.pick}"]`).check();
  await countShows(page, 2);
  expect(await go.isEnabled(), "#compare-go is disabled with two picks");
  await screenshot(page, "step-compare-picked");
  await Promise.all([page.waitForURL(/\/compare\?/), go.click()]);
  const ids = new URL(page.url()).searchParams.getAll("id").sort();
  const want = [list[0].id, second.id].sort();
  expect(JSON.stringify(ids) === JSON.stringify(want), `compared ${ids}, picked ${want}`);
  await need(page, ".table-wrap table.compare", "the compare table in its wrapper");
  await need(page, "table.compare caption", "the table's caption");
  const heads = await page.locator('table.compare thead th[scope="col"]').allTextContents();
  for (const title of [list[0].title, second.title]) {
    expect(
      heads.some((h) => h.includes(title)),
      `the compare table's heads ${JSON.stringify(heads)} lack "${title}"`,
    );
  }
  const rows = await page.locator('table.compare tbody th[scope="row"]').count();
  expect(rows >= 3, `the compare table has ${rows} field rows`);
  await screenshot(page, "step-compare-table");
  assertClean(page);
  await page.close();
});

check("the compare button wants between 2 and 6 picks", async () => {
  const page = await open(site, "/");
  const picks = page.locator("input.compare-pick");
  const n = await picks.count();
  expect(n >= 7, `need 7 results with compare checkboxes on /, found ${n}`);
  page.__noPicks = await text(page, "#compare-count");
  for (let i = 0; i < 7; i++) await picks.nth(i).check();
  await countShows(page, 7);
  expect(await page.locator("#compare-go").isDisabled(), "#compare-go is enabled with 7 picks");
  await picks.nth(6).uncheck();
  await countShows(page, 6);
  expect(await page.locator("#compare-go").isEnabled(), "#compare-go is disabled with 6 picks");
  assertClean(page);
  await page.close();
});

check("the language link switches the page to English, and instant search keeps it", async () => {
  const page = await open(site, "/");
  expect((await page.getAttribute("html", "lang")) === "sl", "the Slovenian page is not lang=sl");
  const slLabel = await text(page, 'label[for="q"]');
  const link = await need(page, 'nav.lang a[hreflang="en"]', "the link to English");
  await Promise.all([page.waitForURL((u) => u.searchParams.get("lang") === "en"), link.click()]);
  expect((await page.getAttribute("html", "lang")) === "en", "after switching, <html lang> is not en");
  await need(page, 'nav.lang a[hreflang="sl"]', "the link back to Slovenian");
  const enLabel = await text(page, 'label[for="q"]');
  expect(enLabel !== slLabel, `the search box is still labelled "${enLabel}" in English`);
  expect((await text(page, "#share")) === "Share search", `#share says "${await text(page, "#share")}"`);
  const body = await page.evaluate(() => document.body.innerText);
  for (const sl of ["Kaj iščete?", "Razvrsti po", "Skoči na vsebino", "Deli iskanje"]) {
    expect(!body.includes(sl) && !(await page.content()).includes(sl), `the English page still says "${sl}"`);
  }
  await page.locator("#q").fill("rent");
  await page.waitForURL((u) => u.searchParams.get("q") === "rent");
  expect(
    new URL(page.url()).searchParams.get("lang") === "en",
    `instant search dropped the language from the address: ${page.url()}`,
  );
  expect((await text(page, "#share")) === "Share search", "the redrawn results are not in English");
  await screenshot(page, "step-english");
  assertClean(page);
  await page.close();
});

check("keyboard: the first Tab reaches the skip link, Enter on it moves focus to main", async () => {
  for (const target of ["/", `/measures/${A.id}`]) {
    const page = await open(site, target);
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => {
      const el = document.activeElement;
      const r = el.getBoundingClientRect();
      return {
        skip: el.matches("a.skip"),
        href: el.getAttribute("href"),
        html: el.outerHTML.slice(0, 80),
        visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth,
        rect: { left: r.left, top: r.top, width: r.width, height: r.height, scrollY: window.scrollY },
      };
    });
    expect(first.skip, `on ${target} the first Tab reaches ${first.html}, not the skip link`);
    expect(first.visible, `on ${target} the focused skip link is not visible: ${JSON.stringify(first.rect)}`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => {
      const m = document.querySelector("main");
      return m && m.contains(document.activeElement);
    }).catch(async () =>
      fail(
        `on ${target} Enter on the skip link leaves focus on ${await page.evaluate(() => document.activeElement.outerHTML.slice(0, 80))}`,
      ),
    );
    await page.keyboard.press("Tab");
    const next = await page.evaluate(() => ({
      inMain: document.querySelector("main").contains(document.activeElement),
      html: document.activeElement.outerHTML.slice(0, 80),
    }));
    expect(next.inMain, `on ${target} the Tab after the skip link goes to ${next.html}, outside main`);
    assertClean(page);
    await page.close();
  }
});

check("every focusable element shows where the focus is", async () => {
  for (const target of ["/?q=najemnina", `/measures/${A.id}`, `/compare?id=${A.id}&id=${B.id}`, "/statistics"]) {
    const page = await open(site, target);
    // One real Tab puts chromium in keyboard mode, where focus() shows :focus-visible as Tab
    // would; then every focusable element is visited in one go rather than Tab by Tab.
    await page.keyboard.press("Tab");
    const found = await page.evaluate(() => {
      const selector =
        'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
      const bare = [];
      let seen = 0;
      for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not rendered: not reachable either
        el.focus();
        if (document.activeElement !== el) continue;
        seen += 1;
        const s = getComputedStyle(el);
        const shown =
          (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) || (s.boxShadow && s.boxShadow !== "none");
        if (!shown) bare.push(el.outerHTML.slice(0, 100));
      }
      return { seen, bare };
    });
    expect(found.seen > 5, `only ${found.seen} focusable elements on ${target}`);
    expect(found.bare.length === 0, `on ${target} no visible focus on:\n    ${found.bare.join("\n    ")}`);
    await page.close();
  }
});

check("at 360 px nothing scrolls sideways and the facets are folded away", async () => {
  const page = await open(phone, "/?q=najemnina");
  await assertNoSidewaysScroll(page, NARROW.width);
  const fold = await need(page, "details.facets-fold", "the facets' fold");
  expect(!(await fold.evaluate((d) => d.open)), "at 360 px the facets are open, they should be folded");
  const summary = page.locator("details.facets-fold > summary");
  expect(await summary.isVisible(), "at 360 px the facets' summary (the Filtri toggle) is not visible");
  expect(
    !(await page.locator('aside.facets input[type="checkbox"]').first().isVisible()),
    "at 360 px the folded facets' checkboxes are still visible",
  );
  await summary.click();
  expect(await fold.evaluate((d) => d.open), "clicking the summary does not unfold the facets");
  expect(
    await page.locator('aside.facets input[type="checkbox"]').first().isVisible(),
    "unfolded, the facets' checkboxes are not visible",
  );
  await assertNoSidewaysScroll(page, NARROW.width);
  await screenshot(page, "step-360px-facets-unfolded");
  // The fold stays as the person left it when the results are redrawn.
  await page.locator("#q").fill("fasada");
  await page.waitForURL((u) => u.searchParams.get("q") === "fasada");
  await page.waitForFunction(() => /fasad/i.test(document.title));
  await page.waitForTimeout(200);
  expect(
    await page.evaluate(() => document.querySelector("details.facets-fold").open),
    "the unfolded facets folded again when the results were redrawn",
  );
  assertClean(page);
  await page.close();
  const long = await open(phone, `/measures/${LONG_URL}`);
  await assertNoSidewaysScroll(long, NARROW.width);
  await screenshot(long, "measure-360px");
  for (const target of [`/compare?id=${A.id}&id=${B.id}`, "/statistics", "/status"]) {
    const other = await open(phone, target);
    await assertNoSidewaysScroll(other, NARROW.width);
    await other.close();
  }
});

check("on a wide screen the facets are open and their toggle is hidden", async () => {
  const page = await open(site, "/");
  const fold = await need(page, "details.facets-fold", "the facets' fold");
  expect(await fold.evaluate((d) => d.open), "at 1280 px the facets are folded");
  expect(
    !(await page.locator("details.facets-fold > summary").isVisible()),
    "at 1280 px the facets' toggle is visible; it is only needed on narrow screens",
  );
  await page.close();
});

check("printing hides the controls and shows where external links go", async () => {
  const page = await open(site, "/?q=najemnina");
  await page.emulateMedia({ media: "print" });
  for (const selector of ["aside.facets", "footer.site", "a.skip", "form#compare", "input.compare-pick", "div.tools", "#sort", "#q"]) {
    const visible = await page.locator(selector).first().isVisible().catch(() => false);
    expect(!visible, `printed, ${selector} is still shown on the search page`);
  }
  expect(await page.locator("li.hit h2 a").first().isVisible(), "printed, the results are gone");
  await page.close();

  // A shipped measure whose body links to a site by name, and whose official source is a link
  // that shows its own address.
  const measure = await open(site, `/measures/${LINKED}`);
  await measure.emulateMedia({ media: "print" });
  for (const selector of ["header.site form", "nav.lang", "footer.site", "button.copy", "a.skip"]) {
    const visible = await measure.locator(selector).first().isVisible().catch(() => false);
    expect(!visible, `printed, ${selector} is still shown on a measure page`);
  }
  const links = await measure.evaluate(() =>
    Array.from(document.querySelectorAll('article.measure a[href^="http"]')).map((a) => ({
      href: a.getAttribute("href"),
      text: a.textContent.trim(),
      after: getComputedStyle(a, "::after").content,
    })),
  );
  const named = links.filter((l) => l.text !== l.href);
  const bare = links.filter((l) => l.text === l.href);
  expect(named.length > 0 && bare.length > 0, `${LINKED} lost its links: ${JSON.stringify(links)}`);
  for (const l of named) {
    expect(l.after.includes(l.href), `printed, the link "${l.text}" does not show its address ${l.href} (::after ${l.after})`);
  }
  for (const l of bare) {
    expect(!l.after.includes(l.href), `printed, the address ${l.href} is shown twice`);
  }
  await measure.close();

  // About an A4 page's width at 96 dpi, less the margins.
  const compare = await open(site, `/compare?id=${A.id}&id=${B.id}`);
  await compare.setViewportSize({ width: 680, height: 900 });
  await compare.emulateMedia({ media: "print" });
  const fits = await compare.evaluate(() => {
    const t = document.querySelector("table.compare");
    return t ? { table: t.scrollWidth, page: document.querySelector("main").clientWidth } : null;
  });
  expect(fits, "missing markup: table.compare");
  expect(fits.table <= fits.page + 1, `printed, the compare table is ${fits.table} px wide in ${fits.page} px`);
  await compare.close();
});

check("the statistics page draws labelled charts whose bars lead to searches", async () => {
  const page = await open(site, "/statistics");
  const sections = await page.locator("section.stat").count();
  expect(sections >= 2, `the statistics page has ${sections} section.stat, expected several`);
  const charts = await page.evaluate(() =>
    Array.from(document.querySelectorAll("section.stat")).map((s) => {
      const svg = s.querySelector('figure.chart svg[role="group"]');
      const title = svg && svg.querySelector("title");
      return {
        h2: !!s.querySelector("h2"),
        svg: !!svg,
        title: title ? title.textContent.trim() : "",
        rects: svg ? svg.querySelectorAll("rect").length : 0,
        bars: svg ? Array.from(svg.querySelectorAll("a")).filter((a) => a.querySelector("rect")).map((a) => a.getAttribute("href") || a.getAttribute("xlink:href")) : [],
        rows: s.querySelectorAll("table.stats tbody tr").length,
      };
    }),
  );
  charts.forEach((c, i) => {
    expect(c.h2, `section.stat ${i + 1} has no h2`);
    expect(c.svg, `section.stat ${i + 1} has no figure.chart > svg[role=img]`);
    expect(c.title, `the chart of section.stat ${i + 1} has no <title>`);
    expect(c.rects > 0, `the chart of section.stat ${i + 1} has no bars (rect)`);
    // A bar may stand alone where no search fits it; one that links, links to a search.
    expect(c.bars.every((h) => h && h.startsWith("/")), `bars of section.stat ${i + 1} do not link to searches: ${c.bars}`);
    expect(c.rows > 0, `section.stat ${i + 1} has no table.stats with numbers`);
  });
  const linked = charts.find((c) => c.bars.length);
  expect(linked, "no chart's bars (a > rect) link to the searches they count");
  const bar = linked.bars[0];
  const search = await open(site, bar);
  expect((await hits(search)).length > 0, `the bar's search ${bar} finds nothing`);
  assertClean(page);
  await search.close();
  await page.close();
});

check("the search page links its feed and exports, and they answer", async () => {
  const page = await open(site, "/?q=najemnina");
  const feed = await page.evaluate(() => {
    const l = document.querySelector('head link[rel="alternate"][type="application/atom+xml"]');
    return l && l.href;
  });
  expect(feed, "missing markup: head link[rel=alternate][type=application/atom+xml]");
  for (const selector of ["a.export-csv", "a.export-json", "a.feed"]) {
    const href = await (await need(page, `div.tools ${selector}`, selector)).evaluate((a) => a.href);
    const response = await fetch(href, { signal: AbortSignal.timeout(ACTION_MS) });
    expect(response.ok, `${selector} ${href} answered ${response.status}`);
    const body = await response.text();
    expect(body.length > 0, `${selector} ${href} is empty`);
  }
  const response = await fetch(feed, { signal: AbortSignal.timeout(ACTION_MS) });
  expect(/atom/.test(response.headers.get("content-type") || ""), `the feed is ${response.headers.get("content-type")}`);
  await page.close();
});

check("without JavaScript the search works by submitting and the tools stay usable", async () => {
  const page = await open(noScript, "/");
  await page.locator("#q").fill("fasada");
  await Promise.all([page.waitForURL((u) => u.searchParams.get("q") === "fasada"), page.locator("#q").press("Enter")]);
  expect((await hits(page)).length > 0, "submitting the search without JavaScript lists nothing");
  const share = await need(page, "a#share", "the share link");
  const href = await share.evaluate((a) => a.href);
  expect(new URL(href).searchParams.get("q") === "fasada", `without JavaScript #share points at ${href}`);
  const fold = await need(page, "details.facets-fold", "the facets' fold");
  expect(await fold.evaluate((d) => d.open), "without JavaScript the facets are folded on a wide screen");
  await page.close();
  const measure = await open(noScript, `/measures/${A.id}`);
  const buttons = measure.locator("button.copy");
  for (let i = 0; i < (await buttons.count()); i++) {
    expect(!(await buttons.nth(i).isVisible()), "without JavaScript a copy button shows, and would do nothing");
  }
  await measure.close();
});

// ---------------------------------------------------------------------------------------------
// Run them, one at a time, each bounded.

let passed = 0;
const failures = [];
for (const { name, fn } of checks) {
  const started = Date.now();
  let timer;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${CHECK_MS / 1000} s`)), CHECK_MS);
      }),
    ]);
    passed += 1;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failures.push(name);
    const message = String((error && error.message) || error).replace(/\n/g, "\n     ");
    console.log(`FAIL ${name} (${Date.now() - started} ms)\n     ${message}`);
  } finally {
    clearTimeout(timer);
    await closePages();
  }
}
await browser.close();

console.log("\naxe-core (wcag2a, wcag2aa, wcag21a, wcag21aa), violations per page:");
for (const [, target] of PAGES) {
  if (!checks.some((c) => c.name.startsWith(target + " "))) continue;
  const r = axeResults.find((x) => x.label === target);
  console.log(`  ${target.padEnd(48)} ${r ? r.violations : "not tested (page missing or failed to load)"}`);
}
const narrow = axeResults.find((x) => x.label === "/?q=najemnina at 360 px");
const fitsNarrow = axeResults.find((x) => x.label === "/fits (answered) at 360 px");
if (checks.some((c) => c.name.startsWith("/fits at 360 px"))) {
  console.log(`  ${"/fits (answered) at 360 px".padEnd(48)} ${fitsNarrow ? fitsNarrow.violations : "not tested"}`);
}
if (checks.some((c) => c.name.includes("at 360 px passes axe"))) {
  console.log(`  ${"/?q=najemnina at 360 px".padEnd(48)} ${narrow ? narrow.violations : "not tested"}`);
}
console.log(`\nscreenshots (${shots.length}) in ${path.resolve(SHOTS)}`);
if (failures.length) console.log(`\nfailed:\n  ${failures.join("\n  ")}`);
console.log(`\nbrowser: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
