// The copy button of a new API token. Without JavaScript the token is still in a read-only
// field to select and copy by hand; the button appears only where the Clipboard API works.
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-api-token]");
  var field = document.querySelector("[data-api-token]");
  var status = document.querySelector("[data-copy-status]");
  if (!button || !field || !navigator.clipboard) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = "Copied.";
    }, function () {
      field.select();
      status.textContent = "Copying failed: select the token and copy it yourself.";
    });
  });
})();
