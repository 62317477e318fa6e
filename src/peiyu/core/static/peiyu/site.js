/* Page behaviour that would otherwise be inline: the Content-Security-Policy allows scripts from
   this site only (no onclick=, no javascript: links). */
(function () {
  "use strict";
  // CSS collapses the menu on phones only when this script runs (without it the menu stays open)
  document.documentElement.classList.add("js");

  // <select data-autosubmit>: choosing an option submits its form (filters, choosing a call)
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) {
      return;
    }
    // <a data-back href="…">: back to the previous page when there is one, else follow the link
    var link = target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
      return;
    }
    // <button data-nav-toggle aria-controls="site-menu">: opens and closes the menu on phones
    var toggle = target.closest("[data-nav-toggle]");
    if (toggle) {
      var bar = toggle.closest(".topbar");
      var open = !bar.classList.contains("open");
      bar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    // a folded menu group (<details class="nav-group">) closes when the click lands outside it
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      if (!group.contains(target)) {
        group.removeAttribute("open");
      }
    });
  });

  // <form data-confirm="撤销后不可恢复，确定撤销？">: irreversible actions ask first; a button may carry
  // its own data-confirm (one form, several actions)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) {
      return;
    }
    var submitter = event.submitter;
    var question =
      (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // <input type=file>: Chromium writes its own "Choose File / No file chosen" in the browser's language.
  // The input stays (focusable, labelled, what the form sends) but is hidden behind a button-styled
  // <label> in the page's language and a span with the chosen file's name; the texts come from <body>
  // (data-file-choose, data-file-none), translated with the page. Without this script the native
  // control shows, and works.
  var fileSeq = 0;
  function enhanceFileInputs(root) {
    var body = document.body;
    var choose = body.getAttribute("data-file-choose") || "选择文件";
    var none = body.getAttribute("data-file-none") || "未选择文件";
    var inputs = root.querySelectorAll('input[type="file"]:not([data-file-ready])');
    Array.prototype.forEach.call(inputs, function (input) {
      input.setAttribute("data-file-ready", "");
      input.classList.add("file-input");
      if (!input.id) {
        fileSeq += 1;
        input.id = "file-input-" + fileSeq;
      }
      var pick = document.createElement("span");
      pick.className = "file-pick";
      var button = document.createElement("label");
      button.className = "file-button";
      button.htmlFor = input.id;
      button.textContent = choose;
      var name = document.createElement("span");
      name.className = "file-name";
      name.setAttribute("aria-live", "polite");
      name.setAttribute("data-file-none", none);
      name.textContent = none;
      input.parentNode.insertBefore(pick, input);
      pick.appendChild(input);
      pick.appendChild(button);
      pick.appendChild(name);
      showChosen(input);
    });
  }
  function showChosen(input) {
    var pick = input.closest(".file-pick");
    var name = pick && pick.querySelector(".file-name");
    if (!name) {
      return;
    }
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    name.textContent = names.length ? names.join("、") : name.getAttribute("data-file-none");
    name.classList.toggle("chosen", names.length > 0);
  }
  enhanceFileInputs(document);
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLInputElement && el.type === "file" && el.hasAttribute("data-file-ready")) {
      showChosen(el);
    }
  });
  document.addEventListener("reset", function (event) {
    var form = event.target;
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("input[data-file-ready]"), showChosen);
    }, 0);
  });
  // content htmx swaps in (a results list, a form) gets the same file controls
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target instanceof Element) {
      enhanceFileInputs(event.target);
    }
  });

  // Escape closes the open menu
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll("details.nav-group[open]").forEach(function (group) {
      group.removeAttribute("open");
    });
    var bar = document.querySelector(".topbar.open");
    if (bar) {
      bar.classList.remove("open");
      var toggle = bar.querySelector("[data-nav-toggle]");
      if (toggle) {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    }
  });
})();
