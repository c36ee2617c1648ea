// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  var print = document.getElementById("print-page");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  keepTyping();

  // What is typed in a public form is kept in this browser tab until the receipt page shows it
  // arrived: a server error, a lost connection or a proxy's error page then loses nothing, and
  // the same form key comes back with it, so sending it again never makes a second one.
  function keepTyping() {
    var store;
    try { store = window.sessionStorage; } catch (e) { return; }
    if (!store) { return; }
    if (document.querySelector("[data-sent]")) {
      for (var i = store.length - 1; i >= 0; i--) {
        var name = store.key(i);
        if (name && name.indexOf("candor:form:") === 0) { store.removeItem(name); }
      }
      return;
    }
    var form = document.querySelector("form[data-keep]");
    if (!form) { return; }
    var key = "candor:form:" + form.getAttribute("data-keep");
    var skip = /^(csrfmiddlewaretoken|website)$|_FORMS$/;
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (field) {
        return field.name && !skip.test(field.name) && field.type !== "file" &&
          field.type !== "submit" && field.type !== "button";
      });
    };
    // Whether a field holds what the page came with (a preselected language, a default
    // choice): only a field that differs from that was typed, and says "we filled it in".
    var asServed = function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked === field.defaultChecked;
      }
      if (field.options) {
        var options = Array.prototype.slice.call(field.options);
        var chosen = options.filter(function (option) { return option.defaultSelected; });
        if (!chosen.length && !field.multiple && options.length) { chosen = [options[0]]; }
        return options.every(function (option) {
          return option.selected === (chosen.indexOf(option) !== -1);
        });
      }
      return field.value === field.defaultValue;
    };
    // A page the server filled in (errors, "add another") shows what was posted already.
    if (!form.hasAttribute("data-bound")) {
      var saved = null;
      try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
      if (saved) {
        var restored = false;
        fields().forEach(function (field) {
          if (!Object.prototype.hasOwnProperty.call(saved, field.name)) { return; }
          var value = saved[field.name];
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = value.indexOf(field.value) !== -1;
          } else if (field.multiple) {
            Array.prototype.forEach.call(field.options, function (option) {
              option.selected = value.indexOf(option.value) !== -1;
            });
          } else {
            field.value = value[0];
          }
          if (field.type !== "hidden" && !asServed(field)) { restored = true; }
        });
        var notice = document.getElementById("restored-notice");
        if (restored && notice) { notice.hidden = false; }
      }
    }
    form.addEventListener("submit", function () {
      var values = {};
      fields().forEach(function (field) {
        var list = values[field.name] || (values[field.name] = []);
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.checked) { list.push(field.value); }
        } else if (field.multiple) {
          Array.prototype.forEach.call(field.selectedOptions, function (option) { list.push(option.value); });
        } else {
          list.push(field.value);
        }
      });
      try { store.setItem(key, JSON.stringify(values)); } catch (e) { /* full or private mode */ }
    });
  }
})();
