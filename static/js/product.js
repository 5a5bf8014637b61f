// The product page: gallery thumbnails and the price and quantity limit of the chosen SKU.
(function () {
  var main = document.getElementById("gallery-main");
  var thumbs = document.querySelectorAll(".gallery-thumb");
  thumbs.forEach(function (b) {
    b.addEventListener("click", function () {
      if (main) { main.src = b.dataset.src; }
      thumbs.forEach(function (t) { t.classList.toggle("active", t === b); t.removeAttribute("aria-current"); });
      b.setAttribute("aria-current", "true");
    });
  });
  var price = document.getElementById("sku-price"), qty = document.getElementById("qty");
  var from = document.getElementById("sku-price-from");
  var radios = document.querySelectorAll("input[name=sku]");
  function choose(r) {
    price.textContent = "¥" + r.dataset.price;
    if (from) { from.hidden = true; }  // the chosen SKU's own price, not "from" the lowest
    if (qty) { qty.max = Math.min(999, parseInt(r.dataset.stock, 10) || 1); }
  }
  radios.forEach(function (r) { r.addEventListener("change", function () { choose(r); }); });
  // Back from an error with another SKU than the first still chosen: show its price.
  var checked = document.querySelector("input[name=sku]:checked");
  if (checked && radios.length > 1 && checked !== radios[0]) { choose(checked); }
})();
