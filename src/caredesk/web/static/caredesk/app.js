// CareDesk page behaviour. Kept tiny and free of inline handlers (CSP: script-src 'self').
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("select[data-autosubmit]")) {
    if (el.name === "site") {
      var unit = el.form.querySelector("select[name=unit]");
      if (unit) { unit.value = ""; }
    }
    el.form.submit();
  }
});
// Confirm buttons that deactivate or revoke something.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form && form.getAttribute && form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
