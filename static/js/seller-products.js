// The seller's product pages: a searchable category picker, more SKU rows, photo previews that can be
// reordered with a chosen cover, and "select all" for bulk actions. Every page works without it.
(function () {
  "use strict";

  // --- category picker: a search box that filters the select's options ---------------------------
  document.querySelectorAll("select[data-category-picker]").forEach((select) => {
    const search = document.createElement("input");
    search.type = "search";
    search.className = "category-search";
    search.placeholder = select.form?.dataset.searchLabel || "🔍";
    search.setAttribute("aria-label", search.placeholder);
    search.dataset.testid = "category-search";
    select.before(search);
    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      let lastShown = null;
      select.querySelectorAll("option").forEach((option) => {
        if (!option.value) return;
        const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
        const text = (group + " " + option.textContent).toLowerCase();
        const match = words.every((w) => text.includes(w));
        option.hidden = !match;
        if (match) { shown += 1; lastShown = option; }
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      select.size = words.length ? Math.max(2, Math.min(8, shown + 1)) : 0;
      if (shown === 1 && lastShown) select.value = lastShown.value;
    });
    select.addEventListener("change", () => { if (select.size > 1 && select.value) select.size = 0; });
  });

  // --- SKU rows ------------------------------------------------------------------------------------
  const addRow = document.getElementById("add-sku-row");
  const template = document.getElementById("sku-row-template");
  const rows = document.getElementById("sku-rows");
  const total = document.querySelector("input[name='sku-TOTAL_FORMS']");
  if (addRow && template && rows && total) {
    addRow.hidden = false;
    addRow.addEventListener("click", () => {
      const index = parseInt(total.value, 10);
      if (index >= 50) return;
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      rows.lastElementChild?.querySelector("input[type=text]")?.focus();
    });
  }

  // --- photos: preview before upload, reorder, choose the cover -----------------------------------
  document.querySelectorAll("input[type=file][data-photo-preview]").forEach((input) => {
    let files = [];
    const strip = document.createElement("div");
    strip.className = "photo-row photo-preview";
    strip.dataset.testid = "photo-preview";
    input.after(strip);
    const coverLabel = input.form?.dataset.coverLabel || "★";

    function sync() {
      const transfer = new DataTransfer();
      files.forEach((file) => transfer.items.add(file));
      input.files = transfer.files;
      render();
    }
    function move(from, to) {
      const [file] = files.splice(from, 1);
      files.splice(to, 0, file);
      sync();
    }
    function render() {
      strip.querySelectorAll("img").forEach((img) => URL.revokeObjectURL(img.src));
      strip.replaceChildren();
      files.forEach((file, index) => {
        const figure = document.createElement("figure");
        figure.className = "photo" + (index === 0 ? " is-cover" : "");
        figure.dataset.testid = "photo-preview-item";
        figure.dataset.name = file.name;
        const img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        figure.append(img);
        if (index === 0) {
          const tag = document.createElement("span");
          tag.className = "cover-tag";
          tag.textContent = coverLabel;
          figure.append(tag);
        }
        const buttons = document.createElement("figcaption");
        buttons.className = "row";
        const button = (text, title, action, testid) => {
          const b = document.createElement("button");
          b.type = "button"; b.className = "btn btn-sm"; b.textContent = text; b.title = title;
          b.dataset.testid = testid;
          b.addEventListener("click", action);
          buttons.append(b);
        };
        if (index > 0) {
          button("★", coverLabel, () => move(index, 0), "preview-cover");
          button("←", "←", () => move(index, index - 1), "preview-earlier");
        }
        button("✕", "✕", () => { files.splice(index, 1); sync(); }, "preview-remove");
        figure.append(buttons);
        strip.append(figure);
      });
    }
    input.addEventListener("change", () => { files = Array.from(input.files); render(); });
  });

  // --- bulk actions: tick every product on the page -------------------------------------------------
  const all = document.getElementById("bulk-all");
  if (all) {
    all.closest("label").hidden = false;
    all.addEventListener("change", () => {
      document.querySelectorAll("input[name=products][form=bulk-form]").forEach((box) => { box.checked = all.checked; });
    });
  }
})();
