// The register form: error summary focus, waste stream search, streams valid on the date,
// the live registration deadline with its late warning, and producer suggestions.
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

  function appliesOn(option, day) {
    var from = option.getAttribute("data-from");
    var until = option.getAttribute("data-until");
    if (!day) { return true; }
    return (!from || from <= day) && (!until || until >= day);
  }

  function filterStreams() {
    var term = (search && search.value || "").trim().toLowerCase();
    var day = dateInput ? dateInput.value : "";
    options.forEach(function (option) {
      var box = option.querySelector("input");
      var text = option.textContent.toLowerCase();
      var show = (box.checked || appliesOn(option, day)) && (!term || text.indexOf(term) !== -1);
      option.hidden = !show;
    });
  }

  if (search) {
    search.addEventListener("input", filterStreams);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter searches; it does not submit
    });
  }

  // --- the deadline: 23:59 on the next working day (weekends and holidays skipped) -----------
  var holidays = (form.getAttribute("data-holidays") || "").split(" ");
  var receivedOn = form.getAttribute("data-received-on");
  var deadlineText = document.getElementById("deadline-text");
  var lateWarning = document.getElementById("late-warning");

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  function nextWorkingDay(day) {
    var date = new Date(day + "T12:00:00Z");
    do {
      date.setUTCDate(date.getUTCDate() + 1);
    } while (date.getUTCDay() === 0 || date.getUTCDay() === 6 || holidays.indexOf(iso(date)) !== -1);
    return date;
  }

  function showDeadline() {
    var day = dateInput ? dateInput.value : "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      deadlineText.textContent = "";
      lateWarning.hidden = true;
      return;
    }
    var deadline = nextWorkingDay(day);
    var lang = document.documentElement.lang || "nl";
    var label = new Intl.DateTimeFormat(lang, {
      weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC"
    }).format(deadline);
    deadlineText.textContent = deadlineText.getAttribute("data-label") + " " + label + ", 23:59";
    lateWarning.hidden = !(receivedOn > iso(deadline));
  }

  if (dateInput) {
    dateInput.addEventListener("change", function () {
      filterStreams();
      showDeadline();
    });
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
