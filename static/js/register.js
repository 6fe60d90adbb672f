// The register form: error summary focus, waste stream search, streams valid on the date,
// the live registration deadline with its late warning, and producer suggestions.
// The rules stay on the server: lateness is one date in data-on-time-from (any earlier observation
// date is late), the deadline text and the streams of a date come from data-date-facts.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var form = document.getElementById("register-form");
  if (!form) {
    return;
  }

  // --- waste streams: search, and only those valid on the date -----------------------------
  var search = document.getElementById("waste-stream-search");
  var dateInput = document.getElementById("id_observed_on");
  var options = Array.prototype.slice.call(form.querySelectorAll(".stream-option"));

  function filterStreams() {
    var term = (search && search.value || "").trim().toLowerCase();
    options.forEach(function (option) {
      var box = option.querySelector("input");
      var text = option.textContent.toLowerCase();
      var applies = option.getAttribute("data-applies") === "1";
      var show = (box.checked || applies) && (!term || text.indexOf(term) !== -1);
      option.hidden = !show;
    });
  }

  if (search) {
    search.addEventListener("input", filterStreams);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter searches; it does not submit
    });
  }

  // --- the date: late warning at once, then the deadline and the streams of that date -------
  var onTimeFrom = form.getAttribute("data-on-time-from");
  var factsUrl = form.getAttribute("data-date-facts");
  var deadlineText = document.getElementById("deadline-text");
  var lateWarning = document.getElementById("late-warning");
  var asked = 0;

  function dateChanged() {
    var day = dateInput.value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      deadlineText.textContent = "";
      lateWarning.hidden = true;
      return;
    }
    lateWarning.hidden = day >= onTimeFrom;  // ISO dates compare as text
    var question = ++asked;
    fetch(factsUrl + "?datum=" + encodeURIComponent(day), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (facts) {
        if (!facts || question !== asked) { return; }  // a later change wins
        deadlineText.textContent = facts.deadline ? deadlineText.getAttribute("data-label") + " " + facts.deadline : "";
        options.forEach(function (option) {
          var applies = facts.streams.indexOf(Number(option.getAttribute("data-stream"))) !== -1;
          option.setAttribute("data-applies", applies ? "1" : "0");
        });
        filterStreams();
      })
      .catch(function () {});  // offline: the server checks everything again on saving
  }

  if (dateInput) {
    dateInput.addEventListener("change", dateChanged);
  }

  // --- producer suggestions: choosing a known name fills its numbers and address when empty ---
  var nameInput = document.getElementById("id_producer_name");
  var known = document.getElementById("producer-names");
  var fills = {
    "id_producer_enterprise_number": "data-kbo",
    "id_establishment_number": "data-establishment",
    "id_street": "data-street",
    "id_house_number": "data-house-number",
    "id_postcode": "data-postcode",
    "id_municipality": "data-municipality"
  };
  if (nameInput && known) {
    nameInput.addEventListener("change", function () {
      var match = Array.prototype.find.call(known.options, function (option) {
        return option.value === nameInput.value;
      });
      if (!match) { return; }
      Object.keys(fills).forEach(function (id) {
        var field = document.getElementById(id);
        if (field && !field.value) { field.value = match.getAttribute(fills[id]) || ""; }
      });
    });
  }
})();
