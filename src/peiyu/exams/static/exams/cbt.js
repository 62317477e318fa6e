/* The computer-based theory exam page (EVL-6): autosave on every change, the countdown from the
   server's deadline, leaving the page reported, automatic submission at the end. The page works
   without this script (plain form: 保存 / 交卷); no inline script under the Content-Security-Policy. */
(function () {
  "use strict";
  var form = document.getElementById("cbt-paper");
  if (!form || !window.fetch) {
    return;
  }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var revisionInput = form.querySelector("[data-revision]");
  var statusEl = form.querySelector("[data-save-status]");
  var answeredEl = form.querySelector("[data-answered]");
  var pending = {};
  var inFlight = false;
  var finished = false;
  var retryTimer = null;

  function say(text) {
    if (statusEl) {
      statusEl.textContent = text;
    }
  }
  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    });
  }
  function valueOf(item) {
    var position = item.getAttribute("data-position");
    var type = item.getAttribute("data-type");
    var inputs = item.querySelectorAll("[name='q" + position + "']");
    if (type === "multiple") {
      var letters = "";
      Array.prototype.forEach.call(inputs, function (el) { if (el.checked) { letters += el.value; } });
      return letters || null;
    }
    if (type === "single" || type === "true_false") {
      var chosen = null;
      Array.prototype.forEach.call(inputs, function (el) { if (el.checked) { chosen = el.value; } });
      return chosen;
    }
    return inputs.length && inputs[0].value !== "" ? inputs[0].value : null;
  }
  function countAnswered() {
    var n = 0;
    Array.prototype.forEach.call(form.querySelectorAll(".cbt-item"), function (item) {
      if (valueOf(item) !== null) { n += 1; }
    });
    if (answeredEl) { answeredEl.textContent = String(n); }
  }
  function finish() {
    finished = true;
    window.location.assign(form.getAttribute("data-done-url"));
  }
  function flush() {
    if (inFlight || finished) {
      return;
    }
    var keys = Object.keys(pending);
    if (!keys.length) {
      return;
    }
    var batch = pending;
    pending = {};
    inFlight = true;
    say(form.getAttribute("data-saving-text"));
    post(form.getAttribute("data-save-url"), { revision: parseInt(revisionInput.value, 10), answers: batch })
      .then(function (resp) {
        return resp.json().then(function (data) { return { status: resp.status, data: data }; });
      })
      .then(function (r) {
        inFlight = false;
        if (r.status === 200) {
          revisionInput.value = String(r.data.revision);
          say(form.getAttribute("data-saved-text") + " " + new Date().toTimeString().slice(0, 8));
          flush();
          return;
        }
        var code = r.data && r.data.code;
        if (code === "deadline_passed" || code === "attempt_finished") {
          finish();
        } else if (code === "stale_revision" || code === "device_changed" || r.status === 404) {
          say(form.getAttribute("data-stale-text"));
          finished = true;
          window.location.reload();
        } else {
          say((r.data && r.data.message) || form.getAttribute("data-failed-text"));
        }
      })
      .catch(function () {
        inFlight = false;
        Object.keys(batch).forEach(function (k) { if (!(k in pending)) { pending[k] = batch[k]; } });
        say(form.getAttribute("data-failed-text"));
        window.clearTimeout(retryTimer);
        retryTimer = window.setTimeout(flush, 3000);
      });
  }
  var textTimer = null;
  function changed(event) {
    var item = event.target.closest ? event.target.closest(".cbt-item") : null;
    if (!item || finished) {
      return;
    }
    pending[item.getAttribute("data-position")] = valueOf(item);
    countAnswered();
    window.clearTimeout(textTimer);
    if (event.type === "input") {
      textTimer = window.setTimeout(flush, 800); // typing: save after a pause
    } else {
      flush();
    }
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
      changed(event);
    }
  });

  // 交卷: save what is pending first, then submit through the API (site.js has asked to confirm)
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    event.preventDefault();
    if (submitter && submitter.value === "submit") {
      finished = true;
      var batch = pending;
      pending = {};
      var save = Object.keys(batch).length
        ? post(form.getAttribute("data-save-url"), { revision: parseInt(revisionInput.value, 10), answers: batch })
        : Promise.resolve();
      save.then(function () { return post(form.getAttribute("data-submit-url")); }).then(finish, function () {
        finished = false;
        say(form.getAttribute("data-failed-text"));
      });
    } else {
      flush();
    }
  });

  // leaving the page: counted by the server (one report per leave, blur and hidden together)
  var lastLeave = 0;
  function left(kind) {
    if (finished || Date.now() - lastLeave < 2000) {
      return;
    }
    lastLeave = Date.now();
    post(form.getAttribute("data-leave-url"), { kind: kind }, true).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
      left("hidden");
    }
  });
  window.addEventListener("blur", function () { left("blur"); });

  // the countdown: from the seconds the server left, on this computer's monotonic clock
  var countdown = form.querySelector("[data-countdown]");
  var end = performance.now() + parseInt(form.getAttribute("data-seconds-left"), 10) * 1000;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick() {
    var left = Math.max(0, Math.round((end - performance.now()) / 1000));
    var h = Math.floor(left / 3600);
    var m = Math.floor((left % 3600) / 60);
    countdown.textContent = (h ? h + ":" : "") + pad(m) + ":" + pad(left % 60);
    countdown.parentNode.classList.toggle("low", left <= 300);
    if (left === 0 && !finished) {
      finished = true;
      say(form.getAttribute("data-over-text"));
      var batch = pending;
      pending = {};
      var save = Object.keys(batch).length
        ? post(form.getAttribute("data-save-url"), { revision: parseInt(revisionInput.value, 10), answers: batch })
        : Promise.resolve();
      save.then(function () { return post(form.getAttribute("data-submit-url")); }).then(finish, finish);
      return;
    }
    window.setTimeout(tick, 1000 - (performance.now() % 1000));
  }
  if (countdown) {
    tick();
  }
})();
