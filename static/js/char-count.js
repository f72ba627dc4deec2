/* Live character counter under a limited text: "N / max characters", as the server counts.
   The textarea carries data-max-chars and data-char-counter (the id of the counter element, whose
   data-template and data-over-template hold the translated texts with %(count)s and %(max)s). */
(function () {
  "use strict";

  function update(textarea) {
    var counter = document.getElementById(textarea.dataset.charCounter);
    if (!counter) {
      return;
    }
    var limit = parseInt(textarea.dataset.maxChars, 10);
    var count = textarea.value.trim().length;
    var over = count > limit;
    var template = over ? counter.dataset.overTemplate : counter.dataset.template;
    counter.textContent = template
      .replace("%(count)s", String(count))
      .replace("%(max)s", String(limit));
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-bold", over);
  }

  document.querySelectorAll("textarea[data-max-chars]").forEach(function (textarea) {
    update(textarea);
    textarea.addEventListener("input", function () {
      update(textarea);
    });
  });
})();
