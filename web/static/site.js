// outreach: the one script. Everything works without it; it only
//  - moves focus to the error summary when a form came back with errors (screen readers hear it);
//  - disables a form's submit buttons once it is sent, so an impatient second tap sends nothing
//    (the server also refuses a second post of the same form: its idempotency key).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        var form = event.currentTarget;
        if (form.getAttribute("data-sent") === "1") {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-sent", "1");
      });
    }
  });
})();
