// mailgate console: progressive enhancement only; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before buttons that take something away.
  document.querySelectorAll("[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // Search as one types, after a pause.
  document.querySelectorAll("input[data-autosubmit]").forEach(function (input) {
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { input.form.requestSubmit(); }, 400);
    });
  });
  // Put the cursor on the first field in error.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
