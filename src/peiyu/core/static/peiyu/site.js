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

  // Escape closes the open menu
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
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
