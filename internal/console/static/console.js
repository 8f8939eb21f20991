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
  // Check policy documents as they are typed, with IAM's messages.
  document.querySelectorAll("textarea[data-validate]").forEach(function (area) {
    var timer, error = document.getElementById(area.id + "-error");
    var token = area.form.querySelector("input[name=csrf_token]").value;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams({ csrf_token: token, kind: area.getAttribute("data-validate"), document: area.value });
        fetch("/console/policy/check", { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (answer) {
            if (!answer) return;
            error.textContent = answer.message;
            if (answer.message) area.setAttribute("aria-invalid", "true");
            else area.removeAttribute("aria-invalid");
          });
      }, 300);
    });
  });
  // Put the cursor on the first field in error.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) bad.focus();
});
