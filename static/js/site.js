// Behaviour every page shares, kept out of the templates so the CSP allows no inline script.
(function () {
  // An API error answer ({"error": {"message", "fields"}}) in a page script's form: its words as one line, and
  // the inputs its `fields` name ("address.phone", "items[0].quantity": the last part is the input's name, or
  // an input's data-error-field) marked invalid and described by the error's line; the first takes the
  // focus. mark(form, null) clears the marks before the next try.
  window.formErrors = {
    text: function (body, fallback) {
      var error = (body && body.error) || {};
      var fields = error.fields ? Object.keys(error.fields).map(function (k) { return [].concat(error.fields[k]).join(" "); }) : [];
      return fields.length ? fields.join(" ") : (error.message || fallback);
    },
    mark: function (form, body, errorNode) {
      form.querySelectorAll("[data-error-marked]").forEach(function (input) {
        var before = input.dataset.errorMarked;
        input.removeAttribute("aria-invalid");
        if (before) input.setAttribute("aria-describedby", before); else input.removeAttribute("aria-describedby");
        delete input.dataset.errorMarked;
      });
      var fields = (body && body.error && body.error.fields) || {};
      var first = null;
      Object.keys(fields).forEach(function (key) {
        var name = CSS.escape(key.split(".").pop());
        var input = form.querySelector('[data-error-field="' + name + '"], [name="' + name + '"]');
        if (!input || input.hasAttribute("data-error-marked")) return;  // two keys may name one input
        var before = input.getAttribute("aria-describedby") || "";
        input.dataset.errorMarked = before;
        input.setAttribute("aria-invalid", "true");
        if (errorNode) input.setAttribute("aria-describedby", (before + " " + errorNode.id).trim());
        first = first || input;
      });
      if (first) first.focus();
    },
  };

  // A page the server answered with a form's errors (a save that failed): on a phone the first error can sit
  // screens below where the page opens, so it is brought into view and its input takes the focus.
  var firstError = document.querySelector("main .errorlist");
  if (firstError) {
    var holder = firstError.closest(".field, td") || firstError.parentElement;
    var input = holder && holder.querySelector("input:not([type=hidden]), select, textarea");
    firstError.scrollIntoView({ block: "center" });
    if (input) input.focus({ preventScroll: true });
  }

  // An input naming the "other" choice of a select (data-other-of="<the select's id>"): shown only while that
  // choice, the select's empty value, is chosen. Without the script it is always there, and still works.
  document.querySelectorAll("[data-other-of]").forEach(function (input) {
    var select = document.getElementById(input.dataset.otherOf);
    if (!select) return;
    var sync = function () { input.hidden = select.value !== ""; };
    select.addEventListener("change", sync);
    sync();
  });

  document.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
