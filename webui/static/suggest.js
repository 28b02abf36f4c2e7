// Suggestions under the search box, as the user types. The page works without this script:
// it only adds a list of completions (words, then titles) fetched from /api/suggest.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.parentNode.appendChild(list);
    var timer = null, active = -1, items = [];

    function close() { list.hidden = true; active = -1; }
    function choose(item) {
      if (item.kind === "title") {
        window.location = "/article/" + item.id.split("/").map(encodeURIComponent).join("/");
        return;
      }
      input.value = item.text;
      close();
      input.form.submit();
    }
    function render(suggestions) {
      items = suggestions;
      list.innerHTML = "";
      suggestions.forEach(function (item, index) {
        var li = document.createElement("li");
        li.textContent = item.text;  // text only: never HTML from the server
        li.className = item.kind;
        li.setAttribute("role", "option");
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(item); });
        li.dataset.index = index;
        list.appendChild(li);
      });
      list.hidden = suggestions.length === 0;
      active = -1;
    }
    function highlight(index) {
      Array.prototype.forEach.call(list.children, function (li, i) { li.setAttribute("aria-selected", i === index); });
      active = index;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text))
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) { if (input.value.trim() === text) { render(data.suggestions); } })
          .catch(close);
      }, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { highlight(Math.min(active + 1, items.length - 1)); event.preventDefault(); }
      else if (event.key === "ArrowUp") { highlight(Math.max(active - 1, 0)); event.preventDefault(); }
      else if (event.key === "Enter" && active >= 0) { choose(items[active]); event.preventDefault(); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", close);
  });
})();
