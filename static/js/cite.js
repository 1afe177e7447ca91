// Copy buttons for the "Cite this page" panel. Without JavaScript the buttons stay
// hidden and the citations remain plain, selectable text.
(function () {
  "use strict";
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return;
    }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.replace(/\s+/g, " ").trim();
      navigator.clipboard.writeText(text).then(
        function () {
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = label; }, 2000);
        },
        function () {
          button.textContent = "Copy failed: select the text instead";
        }
      );
    });
  });
})();
