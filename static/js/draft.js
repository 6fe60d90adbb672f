// A draft of the new-record or correction form on the server, every few seconds of typing (data-draft on the form):
// bound to the person and organisation of the session, offered back at their next sign-in. Nothing is
// kept in the browser's storage: office PCs are shared.
(function () {
  "use strict";

  var form = document.getElementById("register-form");
  var url = form && form.getAttribute("data-draft");
  if (!url || !window.fetch || !window.FormData) {
    return;
  }
  var EVERY = 3000;  // ms
  var timer = null;
  var saving = false;

  function body() {
    var data = new FormData(form);
    data.delete("photos");  // photos are sent ahead and kept by the form's token (photos.js)
    data.delete("remove_photo");
    data.append("ncr_draft", "1");  // keep, do not save (the server's DRAFT_FLAG)
    return data;
  }

  function save() {
    timer = null;
    if (saving) {  // one at a time; a change meanwhile is saved next
      timer = setTimeout(save, EVERY);
      return;
    }
    saving = true;
    fetch(url, {method: "POST", body: body(), credentials: "same-origin", redirect: "manual"})
      .catch(function () {})  // offline: the next change tries again; saving the form still works
      .then(function () { saving = false; });
  }

  function changed(event) {
    if (event.target && event.target.type === "file") { return; }
    if (!timer) { timer = setTimeout(save, EVERY); }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // Leaving the page (or the phone locking it) with a change not yet saved: send it now.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer && navigator.sendBeacon) {
      clearTimeout(timer);
      timer = null;
      navigator.sendBeacon(url, body());
    }
  });
  form.addEventListener("submit", function () {
    if (timer) { clearTimeout(timer); timer = null; }
  });
})();
