// Behaviour every page shares, kept out of the templates so the CSP allows no inline script.
(function () {
  document.querySelectorAll("[data-submit-on-change]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
