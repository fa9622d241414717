/* Planning grid: optional enhancements. Without this file every cell is a link to its own page. */
(function () {
  "use strict";

  var grid = document.getElementById("grille");
  if (!grid) {
    return;
  }

  // On a narrow screen, bring the cell just changed (or today) into view.
  var target = grid.querySelector(".case--derniere") || grid.querySelector(".case--aujourdhui");
  var sticky = grid.querySelector("th.planning__structure");
  if (target && sticky && grid.scrollWidth > grid.clientWidth) {
    grid.scrollLeft = Math.max(0, target.offsetLeft - sticky.offsetWidth - 48);
  }

  if (typeof HTMLDialogElement !== "function" || !window.fetch || !window.DOMParser) {
    return;
  }

  // A click or a tap on a cell opens its page in a dialog (the forms inside post as usual).
  var dialog = document.createElement("dialog");
  dialog.className = "case-dialogue";
  dialog.setAttribute("aria-labelledby", "d-case-titre");
  document.body.appendChild(dialog);
  var opener = null;

  dialog.addEventListener("close", function () {
    dialog.textContent = "";
    if (opener) {
      opener.focus();
    }
  });

  // The grid page has its own forms: ids inside the dialog get a prefix so that labels stay theirs.
  function prefixIds(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[id]"), function (element) {
      element.id = "d-" + element.id;
    });
    ["for", "aria-describedby", "aria-labelledby"].forEach(function (name) {
      Array.prototype.forEach.call(root.querySelectorAll("[" + name + "]"), function (element) {
        var ids = element.getAttribute(name).split(/\s+/).filter(Boolean);
        element.setAttribute(name, ids.map(function (id) { return "d-" + id; }).join(" "));
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll('a[href^="#"]'), function (link) {
      link.setAttribute("href", "#d-" + link.getAttribute("href").slice(1));
    });
  }

  function show(detail) {
    var close = document.createElement("button");
    close.type = "button";
    close.className = "bouton bouton--secondaire bouton--petit case-dialogue__fermer";
    close.textContent = "Fermer";
    close.addEventListener("click", function () {
      dialog.close();
    });
    dialog.textContent = "";
    dialog.appendChild(close);
    prefixIds(detail);
    dialog.appendChild(detail);
    dialog.showModal();
  }

  grid.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-case]") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    opener = link;
    fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var detail = page.getElementById("case-detail");
        if (!detail) {
          throw new Error("case-detail");
        }
        show(document.importNode(detail, true));
      })
      .catch(function () {
        window.location.href = link.href;
      });
  });
})();
