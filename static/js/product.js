// The product page: gallery thumbnails and the price and quantity limit of the chosen SKU.
(function () {
  var main = document.getElementById("gallery-main");
  document.querySelectorAll(".gallery-thumb").forEach(function (b) {
    b.addEventListener("click", function () { if (main) { main.src = b.dataset.src; } });
  });
  var price = document.getElementById("sku-price"), qty = document.getElementById("qty");
  var from = document.getElementById("sku-price-from");
  document.querySelectorAll("input[name=sku]").forEach(function (r) {
    r.addEventListener("change", function () {
      price.textContent = "¥" + r.dataset.price;
      if (from) { from.hidden = true; }  // the chosen SKU's own price, not "from" the lowest
      if (qty) { qty.max = Math.min(999, parseInt(r.dataset.stock, 10) || 1); }
    });
  });
})();
