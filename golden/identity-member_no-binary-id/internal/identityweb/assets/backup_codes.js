// The two-factor pages' Copy and Print buttons: the backup codes' Copy and Print, and the
// setup key's Copy on the enrolment page. They are hidden in the page and shown here, so a
// browser without JavaScript (or without the clipboard) offers only what works there: the
// codes and key themselves and the download link. Served from this origin
// (/assets/backup_codes.js); the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  const canCopy = navigator.clipboard && window.isSecureContext;

  // The setup key: [data-copy-secret] names the element whose data-secret (the key without
  // the spaces it is shown with) is copied.
  const copySecret = document.querySelector("[data-copy-secret]");
  const secret = copySecret && document.getElementById(copySecret.dataset.copySecret);
  const secretStatus = document.querySelector("[data-copy-status]");
  if (secret && secretStatus && canCopy) {
    copySecret.hidden = false;
    copySecret.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(secret.dataset.secret);
        secretStatus.textContent = "Copied the setup key. Paste it into your authenticator app.";
      } catch (err) {
        secretStatus.textContent = "Could not copy it here. Select the key and copy it.";
      }
    });
  }

  const list = document.getElementById("backup-codes");
  const status = document.querySelector("[data-backup-status]");
  if (!list || !status) {
    return;
  }
  const text = () => Array.from(list.querySelectorAll("code"), (c) => c.textContent.trim()).join("\n") + "\n";

  const copy = document.querySelector("[data-backup-copy]");
  if (copy && canCopy) {
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
