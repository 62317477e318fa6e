/* peiyu offline certificate verifier (CRT-5; ADR 0013, ADR 0014).
 *
 * Checks the SM2 signature of certificate QR payloads against the platform's published keys with no
 * network: the keys come embedded in the page (<script type="application/json" id="peiyu-keys">) or
 * from a keys.json file chosen from disk. A payload is "<base64url(JSON)>.<base64url(r||s)>"; the
 * signature (SM2 with SM3, default user ID 1234567812345678) covers the ASCII text of the first part.
 * SM2/SM3 are sm-crypto's (vendor/, MIT). No eval, no inline handlers: the page's CSP allows this file.
 */
(function () {
  "use strict";

  /* Both languages travel with the tool (it must work from a file, offline): the page's <html lang>
     chooses the first, the button switches. Elements marked data-i18n take their text from here. */
  var TEXT = {
    zh: {
      switch: "English",
      title: "证书离线核验工具",
      intro: "无需联网：用平台公布的签名公钥核验证书二维码的 SM2 签名。可粘贴扫码得到的网址或二维码内容，一行一条，可批量核验。",
      keys_file: "签名公钥文件（keys.json）",
      no_keys: "尚未载入公钥",
      payloads: "二维码网址或内容（一行一条）",
      holder: "持证人姓名（可选，仅核验一条时比对）",
      verify: "核验签名",
      kind: { training: "培训合格证书", level: "专业技术等级证书", skill: "职业技能等级证书" },
      format: "不是本平台的证书二维码内容（格式不符）",
      no_key: "签名密钥 {key} 不在公钥文件中：请更新公钥文件后再核验",
      bad: "签名不符：内容被改动或系伪造，请勿采信",
      revoked: "签名密钥在发证日期之前已被吊销，签名不可信",
      good: "签名有效：由 {issuer} 签发，内容未被改动",
      issuer: "发证机构",
      name_mismatch: "签名有效，但姓名与证书持有人不符",
      valid: "✔ 有效",
      invalid: "✘ 无效",
      occupation: "职业编码 {code}",
      issued: "发证日期 {date}",
      summary: "共 {n} 条，签名有效 {good} 条，无效 {bad} 条。签名有效只说明证书签发时的内容真实；证书此后是否被宣布无效，请联网查询或对照证书状态列表。",
      loaded: "已载入公钥 {n} 个（{origin}{made}）",
      loaded_one: "已载入公钥 1 个（{origin}{made}）",
      made: "，生成于 {at}",
      bundled: "随工具下载",
      choose_keys: "请先选择公钥文件（keys.json）",
      unreadable: "公钥文件无法读取：不是本平台的 keys.json"
    },
    en: {
      switch: "中文",
      title: "Offline certificate verifier",
      intro: "No network needed: checks the SM2 signature of a certificate's QR code against the keys the platform publishes. Paste the scanned address or the QR content, one per line, to check several at once.",
      keys_file: "Signing keys file (keys.json)",
      no_keys: "No keys loaded yet",
      payloads: "QR code address or content (one per line)",
      holder: "Holder's name (optional; compared when one line is checked)",
      verify: "Verify signatures",
      kind: { training: "Training certificate", level: "Professional and technical level certificate", skill: "Vocational skill level certificate" },
      format: "Not a certificate QR code of this platform (wrong format)",
      no_key: "Signing key {key} is not in the keys file: update the keys file and check again",
      bad: "The signature does not match: the content was altered or forged; do not rely on it",
      revoked: "The signing key was revoked before the issue date; the signature cannot be trusted",
      good: "Signature valid: issued by {issuer}, content unaltered",
      issuer: "the issuing institution",
      name_mismatch: "Signature valid, but the name is not the holder's",
      valid: "✔ Valid",
      invalid: "✘ Not valid",
      occupation: "occupation code {code}",
      issued: "issued {date}",
      summary: "{n} checked: {good} with a valid signature, {bad} not valid. A valid signature only shows the content was true when the certificate was issued; whether it was declared invalid since, check online or against the certificate status list.",
      loaded: "{n} keys loaded ({origin}{made})",
      loaded_one: "1 key loaded ({origin}{made})",
      made: ", generated {at}",
      bundled: "included in the download",
      choose_keys: "Choose the keys file (keys.json) first",
      unreadable: "The keys file cannot be read: it is not this platform's keys.json"
    }
  };
  var lang = /^en/i.test(document.documentElement.lang || "") ? "en" : "zh";
  var keys = {};
  var keysState = null; /* what the keys line says, kept to say it again in the other language */
  var lastResults = [];

  function t(name, values) {
    var text = TEXT[lang][name];
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  function $(id) { return document.getElementById(id); }

  function b64urlToBytes(text) {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) { throw new Error("not base64url"); }
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out;
  }

  function toHex(bytes) {
    var hex = "";
    for (var i = 0; i < bytes.length; i++) { hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16); }
    return hex;
  }

  function utf8(bytes) { return new TextDecoder("utf-8", { fatal: true }).decode(bytes); }

  /* the payload out of a scanned URL (…/v/<payload>) or the payload itself */
  function extractPayload(line) {
    var text = line.trim();
    var at = text.lastIndexOf("/v/");
    if (at >= 0) { text = text.slice(at + 3); }
    text = text.split("?")[0].split("#")[0].replace(/\/$/, "");
    return text;
  }

  function decode(payload) {
    var parts = payload.split(".");
    if (parts.length !== 2 || payload.length > 1200) { throw new Error("format"); }
    var claims = JSON.parse(utf8(b64urlToBytes(parts[0])));
    var sig = b64urlToBytes(parts[1]);
    var needed = ["d", "h", "k", "l", "n", "o", "t", "v"];
    var got = Object.keys(claims).sort();
    if (sig.length !== 64 || claims.v !== 1 || got.join() !== needed.join()) { throw new Error("format"); }
    return { claims: claims, body: parts[0], signatureHex: toHex(sig) };
  }

  function nameDigest(name) {
    /* global sm3 */
    return sm3(name.trim().normalize("NFC")).slice(0, 16);
  }

  /* one line → a verdict {ok, text, claims, key} */
  function verifyLine(line, name) {
    var payload = extractPayload(line);
    var decoded;
    try { decoded = decode(payload); } catch (e) {
      return { ok: false, why: ["format"] };
    }
    var c = decoded.claims;
    var key = keys[c.k];
    if (!key) { return { ok: false, why: ["no_key", { key: c.k }], claims: c }; }
    /* global sm2 */
    var good = sm2.doVerifySignature(decoded.body, decoded.signatureHex, key.public_key, { hash: true });
    if (!good) { return { ok: false, why: ["bad"], claims: c, key: key }; }
    if (key.revoked_at && c.d > key.revoked_at.slice(0, 10)) {
      return { ok: false, why: ["revoked"], claims: c, key: key };
    }
    var result = { ok: true, why: ["good", { issuer: key.institution || null }], claims: c, key: key };
    if (name) {
      result.nameMatches = nameDigest(name) === c.h;
      if (!result.nameMatches) { result.ok = false; result.why = ["name_mismatch"]; }
    }
    return result;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* a verdict's reason in the current language */
  function reason(r) {
    var values = r.why[1] || {};
    if (r.why[0] === "good" && !values.issuer) { values = { issuer: t("issuer") }; }
    return t(r.why[0], values);
  }

  function show(results) {
    lastResults = results;
    var list = $("results-body");
    list.textContent = "";
    results.forEach(function (r) {
      var c = r.claims || {};
      var item = el("li", r.ok ? "ok" : "fail");
      var head = el("p", "verdict");
      head.appendChild(el("strong", "", r.ok ? t("valid") : t("invalid")));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "number", c.n || "—"));
      item.appendChild(head);
      if (c.n) {
        var kind = TEXT[lang].kind[c.t] || c.t;
        item.appendChild(el("p", "claims", [kind, t("occupation", { code: c.o }), c.l, t("issued", { date: c.d })].join(" · ")));
      }
      item.appendChild(el("p", "why", reason(r)));
      list.appendChild(item);
    });
    $("results").hidden = results.length === 0;
    var bad = results.filter(function (r) { return !r.ok; }).length;
    $("summary").textContent = results.length ? t("summary", { n: results.length, good: results.length - bad, bad: bad }) : "";
  }

  function showKeys() {
    var status = $("keys-status");
    if (!keysState) { status.textContent = t("no_keys"); status.className = "keys"; return; }
    if (keysState.error) { status.textContent = t(keysState.error); status.className = "keys fail"; return; }
    var made = keysState.at ? t("made", { at: keysState.at }) : "";
    var origin = keysState.origin === null ? t("bundled") : keysState.origin;
    status.textContent = t(keysState.n === 1 ? "loaded_one" : "loaded", { n: keysState.n, origin: origin, made: made });
    status.className = keysState.n ? "keys ok" : "keys fail";
  }

  function translatePage() {
    document.documentElement.lang = lang === "en" ? "en" : "zh-Hans";
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      var text = TEXT[lang][node.getAttribute("data-i18n")];
      if (typeof text === "string") { node.textContent = text; }
    });
    $("language-switch").lang = lang === "en" ? "zh-Hans" : "en";
    showKeys();
    show(lastResults);
  }

  /* origin: a file name, or null for the keys included in the download */
  function useKeys(doc, origin) {
    var list = (doc && doc.keys) || [];
    keys = {};
    list.forEach(function (k) { if (k.key_id && k.public_key) { keys[k.key_id] = k; } });
    var at = doc && doc.generated_at ? doc.generated_at.slice(0, 16).replace("T", " ") : "";
    keysState = { n: Object.keys(keys).length, origin: origin, at: at };
    showKeys();
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    if (!Object.keys(keys).length) {
      keysState = { error: "choose_keys" };
      showKeys();
      return;
    }
    var name = $("holder-name").value.trim();
    var lines = $("payloads").value.split(/\r?\n/).filter(function (l) { return l.trim(); });
    show(lines.map(function (l) { return verifyLine(l, lines.length === 1 ? name : ""); }));
  }

  function init() {
    var embedded = $("peiyu-keys");
    if (embedded && embedded.textContent.trim()) {
      try { useKeys(JSON.parse(embedded.textContent), null); } catch (e) { /* choose a file instead */ }
    }
    $("keys-file").addEventListener("change", function () {
      var file = this.files && this.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        try { useKeys(JSON.parse(String(reader.result)), file.name); } catch (e) {
          keysState = { error: "unreadable" };
          showKeys();
        }
      };
      reader.readAsText(file);
    });
    $("verify-form").addEventListener("submit", run);
    $("language-switch").addEventListener("click", function () {
      lang = lang === "en" ? "zh" : "en";
      translatePage();
    });
    if (lang === "en") { translatePage(); }
  }

  window.peiyuVerifier = {
    verifyLine: verifyLine, useKeys: useKeys, extractPayload: extractPayload, nameDigest: nameDigest,
    reason: reason, setLanguage: function (code) { lang = code === "en" ? "en" : "zh"; translatePage(); }
  };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
