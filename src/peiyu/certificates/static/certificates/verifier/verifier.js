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

  var KIND = { training: "培训合格证书", level: "专业技术等级证书", skill: "职业技能等级证书" };
  var keys = {};
  var keysMeta = "";

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
      return { ok: false, text: "不是本平台的证书二维码内容（格式不符）" };
    }
    var c = decoded.claims;
    var key = keys[c.k];
    if (!key) { return { ok: false, text: "签名密钥 " + c.k + " 不在公钥文件中：请更新公钥文件后再核验", claims: c }; }
    /* global sm2 */
    var good = sm2.doVerifySignature(decoded.body, decoded.signatureHex, key.public_key, { hash: true });
    if (!good) { return { ok: false, text: "签名不符：内容被改动或系伪造，请勿采信", claims: c, key: key }; }
    if (key.revoked_at && c.d > key.revoked_at.slice(0, 10)) {
      return { ok: false, text: "签名密钥在发证日期之前已被吊销，签名不可信", claims: c, key: key };
    }
    var result = { ok: true, text: "签名有效：由 " + (key.institution || "发证机构") + " 签发，内容未被改动", claims: c, key: key };
    if (name) {
      result.nameMatches = nameDigest(name) === c.h;
      if (!result.nameMatches) { result.ok = false; result.text = "签名有效，但姓名与证书持有人不符"; }
    }
    return result;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function show(results) {
    var list = $("results-body");
    list.textContent = "";
    results.forEach(function (r) {
      var c = r.claims || {};
      var item = el("li", r.ok ? "ok" : "fail");
      var head = el("p", "verdict");
      head.appendChild(el("strong", "", r.ok ? "✔ 有效" : "✘ 无效"));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "number", c.n || "—"));
      item.appendChild(head);
      if (c.n) {
        item.appendChild(el("p", "claims", [KIND[c.t] || c.t, "职业编码 " + c.o, c.l, "发证日期 " + c.d].join(" · ")));
      }
      item.appendChild(el("p", "why", r.text));
      list.appendChild(item);
    });
    $("results").hidden = results.length === 0;
    var bad = results.filter(function (r) { return !r.ok; }).length;
    $("summary").textContent = results.length ? ("共 " + results.length + " 条，签名有效 " + (results.length - bad) + " 条，无效 " + bad + " 条。签名有效只说明证书签发时的内容真实；证书此后是否被宣布无效，请联网查询或对照证书状态列表。") : "";
  }

  function useKeys(doc, origin) {
    var list = (doc && doc.keys) || [];
    keys = {};
    list.forEach(function (k) { if (k.key_id && k.public_key) { keys[k.key_id] = k; } });
    keysMeta = "已载入公钥 " + Object.keys(keys).length + " 个（" + origin + (doc.generated_at ? "，生成于 " + doc.generated_at.slice(0, 16).replace("T", " ") : "") + "）";
    $("keys-status").textContent = keysMeta;
    $("keys-status").className = Object.keys(keys).length ? "keys ok" : "keys fail";
  }

  function run(event) {
    if (event) { event.preventDefault(); }
    if (!Object.keys(keys).length) {
      $("keys-status").textContent = "请先选择公钥文件（keys.json）";
      $("keys-status").className = "keys fail";
      return;
    }
    var name = $("holder-name").value.trim();
    var lines = $("payloads").value.split(/\r?\n/).filter(function (l) { return l.trim(); });
    show(lines.map(function (l) { return verifyLine(l, lines.length === 1 ? name : ""); }));
  }

  function init() {
    var embedded = $("peiyu-keys");
    if (embedded && embedded.textContent.trim()) {
      try { useKeys(JSON.parse(embedded.textContent), "随工具下载"); } catch (e) { /* choose a file instead */ }
    }
    $("keys-file").addEventListener("change", function () {
      var file = this.files && this.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        try { useKeys(JSON.parse(String(reader.result)), file.name); } catch (e) {
          $("keys-status").textContent = "公钥文件无法读取：不是本平台的 keys.json";
          $("keys-status").className = "keys fail";
        }
      };
      reader.readAsText(file);
    });
    $("verify-form").addEventListener("submit", run);
  }

  window.peiyuVerifier = { verifyLine: verifyLine, useKeys: useKeys, extractPayload: extractPayload, nameDigest: nameDigest };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
