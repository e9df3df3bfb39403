(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var selects = form.querySelectorAll("select");
  var findings = document.querySelectorAll("section.finding");
  var shown = document.getElementById("shown");
  function apply() {
    var want = {};
    selects.forEach(function (s) { want[s.name] = s.value; });
    var n = 0;
    findings.forEach(function (f) {
      var sdks = " " + (f.getAttribute("data-sdk") || "") + " ";
      var ok = (!want.severity || f.getAttribute("data-severity") === want.severity) &&
        (!want.rule || f.getAttribute("data-rule") === want.rule) &&
        (!want.sdk || sdks.indexOf(" " + want.sdk + " ") >= 0);
      f.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = String(n);
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.hidden = false;
  apply();
})();
