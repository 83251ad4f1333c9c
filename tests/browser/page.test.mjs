// SPDX-License-Identifier: Apache-2.0
// The verification page end to end: Debian's chromium, headless, driven by
// playwright-core, against a real credledger-node on 127.0.0.1 whose
// credentials were issued with the credledger command (network.sh).
// Screenshots go to $CL_ARTIFACTS (default build/browser-artifacts).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const top = resolve(here, "../..");
const build = process.env.CL_BUILD || join(top, "build");
const shots = process.env.CL_ARTIFACTS || join(build, "browser-artifacts");
const chrome = process.env.CL_CHROMIUM || "/usr/bin/chromium";
const flags = ["--no-sandbox", "--disable-gpu", "--disable-quic",
  "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
const WAIT = 15000;

let net, dir, node, profiles = [];

before(() => {
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), "cl-browser-"));
  execFileSync("bash", [join(here, "network.sh"), build, dir],
    { stdio: ["ignore", "inherit", "inherit"] });
  net = JSON.parse(readFileSync(join(dir, "network.json"), "utf8"));
  node = Number(readFileSync(join(dir, "node.pid"), "utf8"));
});

after(() => {
  try { process.kill(node, "SIGTERM"); } catch (e) { /* gone */ }
  for (const p of profiles) rmSync(p, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// A fresh browser profile (--user-data-dir) in the reader's language.
async function browser(locale, viewport) {
  const profile = mkdtempSync(join(tmpdir(), "cl-chromium-"));
  profiles.push(profile);
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: chrome, headless: true, args: flags, locale,
    viewport: viewport || { width: 1000, height: 900 },
  });
  // the page must not reach anything but its own node
  const outside = [];
  ctx.on("request", (r) => {
    if (!r.url().startsWith(net.http) && !r.url().startsWith("data:"))
      outside.push(r.url());
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  return { ctx, page, outside };
}

async function checkId(page, id) {
  await page.goto(net.http + "/");
  await page.getByLabel("Credential id (or the document's SHA-256)")
    .fill(id);
  await page.getByRole("button", { name: "Check" }).click();
}

async function verdict(page, text) {
  await page.locator("#verdict h2", { hasText: text })
    .waitFor({ timeout: WAIT });
  return (await page.locator("#verdict").innerText()).trim();
}

async function signaturesChecked(page) {
  const sig = page.locator("#sigcheck");
  await sig.locator("strong").waitFor({ timeout: WAIT });
  await page.waitForFunction(() => !document.querySelector("#sigcheck")
    .textContent.includes("Checking"), null, { timeout: WAIT });
  return (await sig.innerText()).trim();
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, name), fullPage: true });
}

// Drop a file on the drop zone, as a person dragging it from a folder.
async function dropFile(page, path) {
  const bytes = [...readFileSync(path)];
  const dt = await page.evaluateHandle(([b, name]) => {
    const t = new DataTransfer();
    t.items.add(new File([new Uint8Array(b)], name));
    return t;
  }, [bytes, basename(path)]);
  await page.dispatchEvent("#drop", "drop", { dataTransfer: dt });
}

test("a valid id: valid, the issuer, the title, signatures checked",
  async () => {
    const { ctx, page, outside } = await browser("en-GB");
    await checkId(page, net.valid);
    const v = await verdict(page, "Valid");
    assert.match(v, /accredited issuer/);
    assert.equal(await page.locator("#issuer").innerText(),
      "Bühnentechnik-Akademie Köln");
    assert.equal(await page.locator("#title").innerText(),
      "Stage rigging: safe suspension and lifting of loads");
    const body = await page.locator("#result").innerText();
    assert.match(body, /Germany/);
    assert.match(body, /EQF 4/);
    assert.match(body, /2\.5 ECTS credits/);
    assert.match(body, /Plans a rigging point layout/);
    assert.match(body, /data\.europa\.eu\/esco\/skill/);
    assert.match(body, /Accredited by EU Micro-Credential Consortium/);
    const sig = await signaturesChecked(page);
    assert.match(sig, /Signatures checked in your browser/);
    assert.match(sig, /All 3 signed events/);
    await shot(page, "valid-id.png");
    assert.deepEqual(outside, [], "no request left the node");
    await ctx.close();
  });

test("the title comes in the reader's language", async () => {
  const { ctx, page } = await browser("et-EE");
  await checkId(page, net.valid);
  await verdict(page, "Valid");
  const t = page.locator("#title");
  assert.equal(await t.innerText(),
    "Lavariggimine: koormate ohutu riputamine ja tõstmine");
  assert.equal(await t.getAttribute("lang"), "et");
  await ctx.close();
});

test("a dropped credential file that was issued is found", async () => {
  const { ctx, page } = await browser("en-GB");
  await page.goto(net.http + "/");
  await dropFile(page, net.valid_doc);
  await verdict(page, "Valid");
  assert.equal(await page.locator("#cred").innerText(), net.valid);
  assert.match(await signaturesChecked(page),
    /Signatures checked in your browser/);
  await shot(page, "dropped-file.png");
  await ctx.close();
});

test("a revoked credential shows when and why", async () => {
  const { ctx, page } = await browser("en-GB");
  await page.goto(net.http + "/");
  await page.setInputFiles("#file", net.revoked_doc);
  const v = await verdict(page, "Revoked");
  assert.match(v, /assessment irregularity: exam not supervised as/);
  assert.match(v, /code 4/);
  assert.match(await signaturesChecked(page),
    /Signatures checked in your browser/);
  await shot(page, "revoked.png");
  await ctx.close();
});

test("a suspended credential says so", async () => {
  const { ctx, page } = await browser("en-GB");
  await checkId(page, net.suspended);
  const v = await verdict(page, "Suspended");
  assert.match(v, /under review after a complaint/);
  await ctx.close();
});

test("an unknown id and an unregistered file are not found", async () => {
  const { ctx, page } = await browser("en-GB");
  await checkId(page, "ab".repeat(32));
  assert.match(await verdict(page, "Not found"), /No credential/);
  await shot(page, "unknown-id.png");
  await page.setInputFiles("#file", net.unissued_doc);
  assert.match(await verdict(page, "Not found"),
    /blockcerts-v3.0-example.json/);
  await checkId(page, "not an id");
  await verdict(page, "That is not a credential id");
  await ctx.close();
});

test("an altered proof fails the check in the browser", async () => {
  const { ctx, page } = await browser("en-GB");
  await page.route("**/v1/credentials/*", async (route) => {
    const resp = await route.fetch();
    const r = await resp.json();
    const b = Buffer.from(r.bundle, "base64");
    b[b.length - 70] ^= 1;	// a byte of some signed content
    r.bundle = b.toString("base64");
    await route.fulfill({ response: resp, json: r });
  });
  await checkId(page, net.valid);
  await verdict(page, "Valid");
  assert.match(await signaturesChecked(page),
    /do not check|could not be read/);
  await ctx.close();
});

test("usable on a phone", async () => {
  const { ctx, page } = await browser("de-DE", { width: 390, height: 844 });
  await checkId(page, net.valid);
  await verdict(page, "Valid");
  assert.equal(await page.locator("#title").innerText(),
    "Bühnenrigging: sicheres Anschlagen und Heben von Lasten");
  await signaturesChecked(page);
  const wide = await page.evaluate(() =>
    document.documentElement.scrollWidth <= window.innerWidth + 1);
  assert.ok(wide, "nothing wider than the screen");
  await shot(page, "phone.png");
  await ctx.close();
});
