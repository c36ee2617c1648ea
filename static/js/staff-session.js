// Warn two minutes before the idle time-out; "Stay signed in" renews the session.
(function () {
  var box = document.getElementById("session-warning");
  if (!box) return;
  var idle = parseInt(box.dataset.idle, 10);
  var absolute = parseInt(box.dataset.absolute, 10);
  var form = box.querySelector("form");
  var timer;
  function arm(seconds) {
    clearTimeout(timer);
    box.hidden = true;
    var left = Math.min(seconds, absolute);
    timer = setTimeout(function () { box.hidden = false; box.querySelector("button").focus(); },
      Math.max(0, left - 120) * 1000);
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { arm(data.idle_seconds_left); });
  });
  arm(idle);
})();
