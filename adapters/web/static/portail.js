/* Portail famille: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";

  // After a refused form, take keyboard and screen-reader users straight to the list of problems.
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }

  // An « Afficher » button beside each password field (typing on a phone is error-prone).
  var fields = document.querySelectorAll('input[type="password"]');
  Array.prototype.forEach.call(fields, function (input) {
    var wrapper = document.createElement("div");
    wrapper.className = "saisie-secrete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var label = document.querySelector('label[for="' + input.id + '"]');
    var button = document.createElement("button");
    button.type = "button";
    button.className = "bouton-afficher";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    var text = document.createElement("span");
    text.textContent = "Afficher";
    var context = document.createElement("span");
    context.className = "masque";
    context.textContent = " : " + (label ? label.textContent : "mot de passe");
    button.appendChild(text);
    button.appendChild(context);
    wrapper.appendChild(button);

    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      text.textContent = shown ? "Afficher" : "Masquer";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
    });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        input.type = "password";
      });
    }
  });

  // A billing job still running: read its page again every few seconds, until it is done.
  var pending = document.querySelector("[data-actualiser]");
  if (pending) {
    window.setTimeout(function () {
      window.location.reload();
    }, 1000 * Number(pending.getAttribute("data-actualiser")));
  }
})();
