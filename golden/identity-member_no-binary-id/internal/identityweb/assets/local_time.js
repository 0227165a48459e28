// Shows the times of a page in the reader's own time zone. The server writes them in UTC
// (it does not know where the reader is) as <time datetime="..." data-local>; this replaces
// the text with the same instant in local time, and keeps the UTC text as a tooltip. Without
// JavaScript the UTC times stay. Served from this origin (/assets/local_time.js): the
// Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  document.querySelectorAll("time[data-local]").forEach((el) => {
    const when = new Date(el.dateTime);
    if (Number.isNaN(when.getTime())) {
      return;
    }
    el.title = el.textContent;
    el.textContent = format.format(when);
  });
})();
