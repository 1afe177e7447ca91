// Tag suggestions in the admin: the tags field is one comma-separated text input
// whose <datalist> holds the existing tags. Browsers match a suggestion against the
// whole input, so without this script only the first tag is suggested; this script
// rewrites each suggestion as "the tags typed so far, <tag>" so the tag being typed
// is suggested too.
(function () {
  "use strict";
  document.querySelectorAll("input[data-tag-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      return;
    }
    var names = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });
    function update() {
      var cut = input.value.lastIndexOf(",");
      var before = cut < 0 ? "" : input.value.slice(0, cut + 1).trim() + " ";
      var chosen = before.split(",").map(function (part) {
        return part.trim().toLowerCase();
      });
      var options = document.createDocumentFragment();
      names.forEach(function (name) {
        if (chosen.indexOf(name.toLowerCase()) < 0) {
          var option = document.createElement("option");
          option.value = before + name;
          options.appendChild(option);
        }
      });
      list.replaceChildren(options);
    }
    input.addEventListener("input", update);
    update();
  });
})();
