/* Page behaviour that would otherwise be inline: the Content-Security-Policy allows scripts from
   this site only (no onclick=, no javascript: links). */
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (filters, choosing a call)
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  // <a data-back href="…">: back to the previous page when there is one, else follow the link
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
