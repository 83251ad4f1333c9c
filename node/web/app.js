// SPDX-License-Identifier: Apache-2.0
// The verification page.  Asks this node's JSON API (README.md, "HTTP"),
// then checks the proof bundle's Ed25519 signatures itself with WebCrypto:
// each event's signing input is rebuilt as PROTOCOL.md §3.6 says, and the
// ISSUE's id must be the credential's.  No library, no external call.
"use strict";

const HEX64 = /^[0-9a-fA-F]{64}$/;
const TAG = new TextEncoder().encode("credledger/event/v1");
const EV = { ACCREDIT: 1, WITHDRAW: 2, DEFINE: 3, ISSUE: 4, SUSPEND: 5,
  REINSTATE: 6, REVOKE: 7 };

// PROTOCOL.md §3.5: the proposed meanings of REVOKE reason codes.
const REASON_CODES = [
  "no reason given", "issued in error",
  "academic misconduct or fraud by the learner",
  "superseded by another credential",
  "assessment annulled (appeal, re-marking)",
  "at the holder's request", "the issuer's key was compromised",
  "the issuer lost its accreditation or right to award",
  "decision of a court or authority", "other reason",
];

const $ = (id) => document.getElementById(id);
let network = null;	// the node's /v1/status, for the network id

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return e;
}

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function unhex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++)
    out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function unbase64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// A decoder of the msgpack subset the protocol uses (PROTOCOL.md §1):
// unsigned integers, nil, str, bin, arrays and maps.  Bytes are views.
function decode(buf) {
  let p = 0;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const need = (n) => {
    if (p + n > buf.length) throw new Error("truncated msgpack");
  };
  const u = (n) => {
    need(n);
    let v;
    if (n === 1) v = dv.getUint8(p);
    else if (n === 2) v = dv.getUint16(p);
    else if (n === 4) v = dv.getUint32(p);
    else v = dv.getUint32(p) * 4294967296 + dv.getUint32(p + 4);
    p += n;
    return v;
  };
  const bytes = (n) => { need(n); const b = buf.subarray(p, p + n); p += n;
    return b; };
  const str = (n) => new TextDecoder("utf-8", { fatal: true })
    .decode(bytes(n));
  const array = (n) => { const a = []; for (let i = 0; i < n; i++)
    a.push(value()); return a; };
  const map = (n) => { const m = new Map(); for (let i = 0; i < n; i++) {
    const k = value(); m.set(k, value()); } return m; };
  function value() {
    const b = u(1);
    if (b <= 0x7f) return b;
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f);
    if (b >= 0x90 && b <= 0x9f) return array(b & 0x0f);
    if (b >= 0xa0 && b <= 0xbf) return str(b & 0x1f);
    switch (b) {
    case 0xc0: return null;
    case 0xc4: return bytes(u(1));
    case 0xc5: return bytes(u(2));
    case 0xc6: return bytes(u(4));
    case 0xcc: return u(1);
    case 0xcd: return u(2);
    case 0xce: return u(4);
    case 0xcf: return u(8);
    case 0xd9: return str(u(1));
    case 0xda: return str(u(2));
    case 0xdc: return array(u(2));
    case 0xdd: return array(u(4));
    case 0xde: return map(u(2));
    default: throw new Error("msgpack type 0x" + b.toString(16) +
      " is not used by the protocol");
    }
  }
  const v = value();
  if (p !== buf.length) throw new Error("bytes after the value");
  return v;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

// Check every event of a proof bundle: signature, and the ISSUE's id.
// Returns {ok, checked, total, why}.
async function checkBundle(b64, credId, netId) {
  if (!window.crypto || !crypto.subtle)
    return { ok: false, unsupported: true,
      why: "this browser offers no Web Cryptography here (the page must " +
        "be served over HTTPS or from this computer)" };
  const items = decode(unbase64(b64));
  if (!Array.isArray(items) || items.length === 0)
    throw new Error("the proof is not a list of events");
  const net = unhex(netId);
  let checked = 0, issueFound = false, issueAuthor = null;
  const authors = [];
  for (const raw of items) {
    if (!(raw instanceof Uint8Array) || raw.length < 68 || raw[0] !== 0x88)
      throw new Error("an item of the proof is not a signed event");
    const ev = decode(raw);
    const type = ev.get(1), author = ev.get(2), sig = ev.get(7);
    if (!(author instanceof Uint8Array) || author.length !== 32 ||
        !(sig instanceof Uint8Array) || sig.length !== 64)
      throw new Error("an event without author or signature");
    // §3.6: tag ‖ network id ‖ unsigned form (0x87 ‖ s[1 .. L−67))
    const unsigned = raw.subarray(1, raw.length - 67);
    const input = new Uint8Array(TAG.length + 32 + 1 + unsigned.length);
    input.set(TAG, 0);
    input.set(net, TAG.length);
    input[TAG.length + 32] = 0x87;
    input.set(unsigned, TAG.length + 33);
    let key;
    try {
      key = await crypto.subtle.importKey("raw", author,
        { name: "Ed25519" }, false, ["verify"]);
    } catch (e) {
      return { ok: false, unsupported: true,
        why: "this browser cannot check Ed25519 signatures" };
    }
    const good = await crypto.subtle.verify({ name: "Ed25519" }, key, sig,
      input);
    if (!good)
      return { ok: false, checked, total: items.length,
        why: "a signature does not verify: the proof was altered" };
    checked++;
    authors.push(hex(author));
    if (type === EV.ISSUE) {
      const id = hex(await sha256(input));
      if (id === credId.toLowerCase()) {
        issueFound = true;
        issueAuthor = hex(author);
      }
    }
  }
  if (!issueFound)
    return { ok: false, checked, total: items.length,
      why: "no event of the proof is this credential's ISSUE" };
  return { ok: true, checked, total: items.length, issuer: issueAuthor };
}

// The reader's language among the DEFINE's titles: navigator.languages in
// order, an exact tag first, then the same primary language.
function pickTitle(ach) {
  const titles = (ach && ach.titles) || {};
  const tags = Object.keys(titles);
  const want = (navigator.languages && navigator.languages.length ?
    navigator.languages : [navigator.language || "en"]);
  for (const w of want) {
    const exact = tags.find((t) => t.toLowerCase() === w.toLowerCase());
    if (exact) return { lang: exact, text: titles[exact] };
  }
  for (const w of want) {
    const primary = w.split("-")[0].toLowerCase();
    const same = tags.find((t) => t.split("-")[0].toLowerCase() ===
      primary);
    if (same) return { lang: same, text: titles[same] };
  }
  if (ach && ach.title) {
    const tag = tags.find((t) => titles[t] === ach.title);
    return { lang: tag || null, text: ach.title };
  }
  return tags.length ? { lang: tags[0], text: titles[tags[0]] } : null;
}

function countryName(code) {
  if (!code) return null;
  try {
    const dn = new Intl.DisplayNames(navigator.languages || ["en"],
      { type: "region" });
    const name = dn.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch (e) {
    return code;
  }
}

function longDate(day) {
  if (!day) return null;
  const d = new Date(day + "T00:00:00Z");
  if (isNaN(d)) return day;
  try {
    return d.toLocaleDateString(navigator.languages || undefined,
      { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  } catch (e) {
    return day;
  }
}

function ects(v) {
  return typeof v === "number" ? String(v).replace(/\.0+$/, "") : null;
}

// The verdict in words, by status.
function verdict(r) {
  const t = r.achievement && pickTitle(r.achievement);
  const what = t ? `“${t.text}”` : "this credential";
  switch (r.status) {
  case "valid":
    return { cls: "v-valid", head: "Valid",
      text: `${what} was issued by an accredited issuer and has not ` +
        "been revoked or suspended." };
  case "revoked":
    return { cls: "v-bad", head: "Revoked — not valid",
      text: `The issuer revoked ${what}` +
        (r.revocation && r.revocation.at ?
          ` on ${longDate(r.revocation.at)}` : "") + "." };
  case "suspended":
    return { cls: "v-warn", head: "Suspended — not valid for now",
      text: `The issuer suspended ${what}` +
        (r.suspension && r.suspension.at ?
          ` on ${longDate(r.suspension.at)}` : "") +
        ". It may be reinstated later." };
  case "expired":
    return { cls: "v-warn", head: "Expired",
      text: `${what} was valid until ${longDate(r.valid_until)}.` };
  case "void":
    return { cls: "v-bad", head: "Not valid (void)",
      text: "The ledger holds this issue, but it does not count: " +
        (r.void_reason || "it breaks a rule of the ledger") + "." };
  case "issuer_withdrawn":
    return { cls: "v-bad", head: "Not valid: issuer not accredited then",
      text: "It was issued after the issuer's accreditation was " +
        "withdrawn." };
  case "disputed":
    return { cls: "v-bad", head: "Disputed",
      text: "The issuer signed conflicting records: this credential " +
        "cannot be relied on." };
  default:
    return { cls: "v-none", head: "Not found",
      text: "No credential with this id is on this ledger." };
  }
}

function dl(rows) {
  return el("dl", {}, rows.filter((r) => r[1] !== null && r[1] !== undefined
    && r[1] !== "").map(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

function renderReport(r, extra) {
  const box = $("result");
  const v = verdict(r);
  const t = r.achievement && pickTitle(r.achievement);
  const a = r.achievement || {};
  const is = r.issuer || {};
  const kids = [];

  const sig = el("div", { class: "sig", id: "sigcheck", role: "status" },
    "Checking the signatures in your browser…");
  kids.push(el("div", { class: "verdict " + v.cls, id: "verdict" },
    el("h2", {}, v.head), el("p", {}, v.text),
    r.revocation ? el("p", { id: "reason" }, "Reason: ",
      r.revocation.reason || REASON_CODES[r.revocation.code] || "none " +
      "given", r.revocation.code !== undefined && r.revocation.code !==
      null ? ` (code ${r.revocation.code}: ` +
      `${REASON_CODES[r.revocation.code] || "unknown"})` : "") : null,
    r.suspension ? el("p", { id: "reason" }, "Reason: ",
      r.suspension.reason || "none given") : null,
    r.error ? el("p", {}, "The node's proof did not check: " + r.error) :
      null));
  if (r.bundle) kids.push(sig);

  if (r.issuer) {
    const by = is.accredited_by;
    kids.push(el("section", { class: "details", "aria-label": "Issuer" },
      el("h3", {}, "Who issued it"),
      dl([
        ["Organisation", el("span", { id: "issuer" }, is.name ||
          "unknown")],
        ["Country", countryName(is.country)],
        ["Register number", is.org_id],
        ["Accreditation", is.accredited ? "Accredited" + (by ?
          ` by ${by.name || "a founding authority"}` +
          (by.country ? `, ${countryName(by.country)}` : "") : "") :
          "Not accredited for this credential"],
        ["Issuer key", el("span", { class: "mono" }, is.key)],
      ])));
  }
  if (r.achievement) {
    const others = Object.keys(a.titles || {}).filter((k) =>
      !t || k !== t.lang);
    kids.push(el("section", { class: "details",
      "aria-label": "What it certifies" },
      el("h3", {}, "What it certifies"),
      dl([
        ["Title", t ? el("span", { id: "title", lang: t.lang || null },
          t.text) : null],
        ["Also titled in", others.length ? others.join(", ") : null],
        ["Awarded by", a.awarding_body ? a.awarding_body +
          (a.country && a.country !== is.country ?
            ` (${countryName(a.country)})` : "") : null],
        ["Level", a.eqf ? `EQF ${a.eqf}` + (a.nqf ? `, ${a.nqf}` : "") :
          null],
        ["Workload", [a.ects !== undefined && a.ects !== null ?
          `${ects(a.ects)} ECTS credits` : null,
          a.hours ? `${a.hours} hours` : null].filter(Boolean)
          .join(", ") || null],
        ["Assessment", a.assessment],
        ["Participation", a.participation],
        ["Quality assurance", a.quality_assurance],
        ["Grade", r.grade],
      ]),
      a.learning_outcomes && a.learning_outcomes.length ?
        [el("h3", {}, "Learning outcomes"),
          el("ul", {}, a.learning_outcomes.map((o) => el("li", {}, o)))] :
        null,
      a.esco_skills && a.esco_skills.length ?
        [el("h3", {}, "Skills (ESCO)"),
          el("ul", {}, a.esco_skills.map((s) => el("li", {},
            el("a", { href: s, rel: "noreferrer noopener",
              class: "mono" }, s))))] : null));
  }
  if (r.issued_at || r.credential) {
    kids.push(el("section", { class: "details", "aria-label": "Dates" },
      el("h3", {}, "Dates and references"),
      dl([
        ["Issued", longDate(r.issued_at)],
        ["Valid until", r.valid_until ? longDate(r.valid_until) :
          (r.issued_at ? "no end date" : null)],
        ["Revoked", r.revocation ? longDate(r.revocation.at) : null],
        ["Suspended", r.suspension ? longDate(r.suspension.at) : null],
        ["Credential id", el("span", { class: "mono", id: "cred" },
          r.credential)],
        ["Document SHA-256", r.document_digest ?
          el("span", { class: "mono" }, r.document_digest) : null],
        ["Other matches", extra && extra.matches && extra.matches.length > 1
          ? extra.matches.map((m) => `${m.credential.slice(0, 12)}… ` +
            `(${m.status})`).join("; ") : null],
      ])));
  }
  box.replaceChildren(...kids);
  box.focus();
  if (r.bundle) signatures(r, sig);
}

async function signatures(r, box) {
  try {
    if (!network) network = await (await fetch("/v1/status")).json();
    const res = await checkBundle(r.bundle, r.credential,
      network.network_id);
    box.classList.add(res.ok ? "ok" : "fail");
    if (res.ok && res.issuer && r.issuer && r.issuer.key !== res.issuer)
      res.ok = false;
    box.replaceChildren(
      el("strong", {}, res.ok ? "✓ Signatures checked in your browser" :
        res.unsupported ? "Signatures not checked in this browser" :
        "✗ The signatures do not check"),
      res.ok ? `All ${res.total} signed events of the proof carry valid ` +
        "Ed25519 signatures for this network, and one of them is this " +
        "credential's own issue record." : res.why + ".");
  } catch (e) {
    box.classList.add("fail");
    box.replaceChildren(el("strong", {}, "✗ The proof could not be read"),
      String(e.message || e));
  }
}

function message(cls, head, text) {
  const box = $("result");
  box.replaceChildren(el("div", { class: "verdict " + cls, id: "verdict" },
    el("h2", {}, head), el("p", {}, text)));
  box.focus();
}

async function getJson(url, opts) {
  const resp = await fetch(url, opts);
  let body = null;
  try {
    body = await resp.json();
  } catch (e) {
    body = null;
  }
  return { status: resp.status, body };
}

async function byId(id) {
  message("v-none", "Checking…", "Asking the ledger node.");
  let r = await getJson("/v1/credentials/" + id);
  if (r.status === 404 && r.body && r.body.status === "unknown") {
    // maybe a document fingerprint instead of an id
    const d = await getJson("/v1/digests/" + id);
    if (d.status === 200) r = d;
  }
  show(r, "No credential with this id (or document fingerprint) is on " +
    "this ledger. Check that you copied all 64 characters.");
}

async function byFile(file) {
  message("v-none", "Checking…", `Reading ${file.name}.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let r;
  if (window.crypto && crypto.subtle) {
    r = await getJson("/v1/digests/" + hex(await sha256(bytes)));
  } else {
    r = await getJson("/v1/verify", { method: "POST", body: bytes,
      headers: { "Content-Type": "application/octet-stream" } });
  }
  show(r, `No credential on this ledger was issued for ${file.name}: ` +
    "the file may have been changed, or it was not registered here.");
}

function show(r, notFound) {
  if (r.status === 200 && r.body && r.body.status) {
    renderReport(r.body, r.body);
  } else if (r.status === 404) {
    message("v-none", "Not found", notFound);
  } else {
    message("v-bad", "Could not check",
      (r.body && r.body.detail) || `The node answered ${r.status}.`);
  }
}

function start() {
  $("by-id").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = $("cred-id").value.trim().replace(/\s+/g, "");
    if (!HEX64.test(id)) {
      message("v-bad", "That is not a credential id",
        "A credential id has exactly 64 characters, each 0–9 or a–f.");
      $("cred-id").setAttribute("aria-invalid", "true");
      return;
    }
    $("cred-id").removeAttribute("aria-invalid");
    byId(id.toLowerCase()).catch((err) => message("v-bad",
      "Could not check", String(err.message || err)));
  });
  $("file").addEventListener("change", () => {
    const f = $("file").files[0];
    if (f) byFile(f).catch((err) => message("v-bad", "Could not check",
      String(err.message || err)));
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) byFile(f).catch((err) => message("v-bad", "Could not check",
      String(err.message || err)));
  });
  const q = new URLSearchParams(location.search).get("id");
  if (q && HEX64.test(q)) {
    $("cred-id").value = q;
    byId(q.toLowerCase());
  }
  getJson("/v1/status").then((r) => {
    if (r.status === 200 && r.body) {
      network = r.body;
      $("network").textContent = "Network: " + r.body.network_name;
    }
  }).catch(() => {});
}

document.addEventListener("DOMContentLoaded", start);
