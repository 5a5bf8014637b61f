// The packing slip's print button (inline handlers are not allowed by the site's CSP).
document.getElementById("print-slip")?.addEventListener("click", () => window.print());
