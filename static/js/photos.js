// Photos on a phone and a mobile network: each chosen or taken photo is shrunk here (long side at most
// data-max-side, JPEG, no metadata) and sent ahead to data-keep-photo with a progress bar while the
// person fills in the rest; the server checks and re-encodes it again and keeps it for this form
// (photo_token) until it is saved, so a validation error never loses it. Without this script the
// photos go with the form as they are, and the server does the same.
(function () {
  "use strict";

  var form = document.getElementById("register-form");
  var keepUrl = form && form.getAttribute("data-keep-photo");
  if (!keepUrl || !window.FormData || !window.Promise || !window.createImageBitmap) {
    return;
  }
  var maxSide = Number(form.getAttribute("data-max-side")) || 2048;
  var QUALITY = 0.85;
  var token = form.querySelector("input[name=photo_token]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var kept = document.getElementById("kept-photos");
  var keptList = kept.querySelector("ul");
  var box = document.getElementById("photo-progress");
  var bar = document.getElementById("photo-progress-bar");
  var status = document.getElementById("photo-status");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file][name=photos]"));
  var sending = {};  // per request: [bytes sent, bytes to send]
  var busy = 0;
  var saveWhenDone = false;

  function shrink(file) {
    return createImageBitmap(file, {imageOrientation: "from-image"}).then(function (bitmap) {
      var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var keepOriginal = !blob || (scale === 1 && file.type === "image/jpeg" && file.size <= blob.size);
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(keepOriginal ? file : new File([blob], name, {type: "image/jpeg"}));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () {
      return file;  // a format this browser cannot draw: the server decides
    });
  }

  function showProgress() {
    var done = 0;
    var total = 0;
    Object.keys(sending).forEach(function (key) {
      done += sending[key][0];
      total += sending[key][1];
    });
    var percent = total ? Math.round(100 * done / total) : 0;
    bar.value = percent;
    bar.textContent = percent + "%";
    status.textContent = box.getAttribute("data-sending") + " " + percent + "%";
  }

  function send(file, key) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("photo_token", token.value);
      data.append("photo", file, file.name);
      var request = new XMLHttpRequest();
      request.open("POST", keepUrl);
      request.setRequestHeader("X-CSRFToken", csrf.value);
      request.setRequestHeader("Accept", "application/json");
      sending[key] = [0, file.size];
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          sending[key] = [event.loaded, event.total];
          showProgress();
        }
      });
      request.addEventListener("loadend", function () {
        sending[key][0] = sending[key][1];
        showProgress();
        var answer = null;
        try { answer = JSON.parse(request.responseText); } catch (e) { answer = null; }
        resolve({ok: request.status === 201 && answer && answer.id, answer: answer || {}, file: file});
      });
      request.send(data);
    });
  }

  function addThumbnail(answer) {
    var number = keptList.children.length + 1;
    var label = kept.getAttribute("data-photo-label") + " " + number;
    var item = document.createElement("li");
    item.className = "kept-photo";
    var image = document.createElement("img");
    image.className = "photo-thumb";
    image.src = answer.thumbnail;
    image.alt = label;
    var check = document.createElement("div");
    check.className = "touch-check form-check";
    var remove = document.createElement("input");
    remove.className = "form-check-input";
    remove.type = "checkbox";
    remove.name = "remove_photo";
    remove.value = answer.id;
    remove.id = "remove-photo-" + answer.id;
    var text = document.createElement("label");
    text.className = "form-check-label";
    text.htmlFor = remove.id;
    text.textContent = kept.getAttribute("data-remove-label");
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + label;
    text.appendChild(hidden);
    check.appendChild(remove);
    check.appendChild(text);
    item.appendChild(image);
    item.appendChild(check);
    keptList.appendChild(item);
    kept.hidden = false;
  }

  function sendWithForm(input, files) {
    // What could not be sent ahead goes with the form, already shrunk (where the browser allows).
    try {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    } catch (e) { /* the original files stay chosen */ }
  }

  inputs.forEach(function (input) {
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      if (!files.length) { return; }
      busy += 1;
      box.hidden = false;
      showProgress();
      Promise.all(files.map(shrink)).then(function (small) {
        input.value = "";  // sent ahead: not again with the form
        var keys = small.map(function (file, index) { return input.id + "-" + Date.now() + "-" + index; });
        return Promise.all(small.map(function (file, index) { return send(file, keys[index]); }));
      }).then(function (results) {
        var errors = [];
        var left = [];
        results.forEach(function (result) {
          if (result.ok) {
            addThumbnail(result.answer);
          } else {
            left.push(result.file);
            if (result.answer.error) { errors.push(result.answer.error); }
          }
        });
        if (left.length) { sendWithForm(input, left); }
        busy -= 1;
        if (errors.length || left.length) {
          status.textContent = errors.length ? errors.join(" ") : box.getAttribute("data-failed");
        } else if (!busy) {  // "sent" only once every batch is there
          sending = {};
          status.textContent = box.getAttribute("data-done");
        }
        if (!busy && saveWhenDone) {
          saveWhenDone = false;
          form.requestSubmit();
        }
      });
    });
  });

  form.addEventListener("submit", function (event) {
    if (busy) {  // save once the photos are there
      event.preventDefault();
      saveWhenDone = true;
      status.textContent = box.getAttribute("data-waiting");
    }
  });
})();
