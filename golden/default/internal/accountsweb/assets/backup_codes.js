// The backup-codes page's Copy and Print buttons. They are hidden in the page and shown here,
// so a browser without JavaScript (or without the clipboard) offers only what works there:
// the codes themselves and the download link. Served from this origin (/assets/backup_codes.js);
// the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  const list = document.getElementById("backup-codes");
  const status = document.querySelector("[data-backup-status]");
  if (!list || !status) {
    return;
  }
  const text = () => Array.from(list.querySelectorAll("code"), (c) => c.textContent.trim()).join("\n") + "\n";

  const copy = document.querySelector("[data-backup-copy]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text());
        status.textContent = "Copied. Paste them into your password manager or a file you keep safe.";
      } catch (err) {
        status.textContent = "Could not copy them here. Select the codes and copy them, or download them.";
      }
    });
  }

  const print = document.querySelector("[data-backup-print]");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }
})();
