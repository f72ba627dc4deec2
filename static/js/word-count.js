/* Live word counter under long answers: "N / max words", as the server counts (runs of non-spaces).
   The textarea carries data-max-words and data-word-counter (the id of the counter element, whose
   data-template holds the translated text with %(count)s and %(max)s). */
(function () {
  "use strict";

  function countWords(text) {
    var words = text.match(/\S+/g);
    return words ? words.length : 0;
  }

  function update(textarea) {
    var counter = document.getElementById(textarea.dataset.wordCounter);
    if (!counter) {
      return;
    }
    var limit = parseInt(textarea.dataset.maxWords, 10);
    var count = countWords(textarea.value);
    counter.textContent = counter.dataset.template
      .replace("%(count)s", String(count))
      .replace("%(max)s", String(limit));
    counter.classList.toggle("text-danger", count > limit);
    counter.classList.toggle("fw-bold", count > limit);
  }

  document.querySelectorAll("textarea[data-max-words]").forEach(function (textarea) {
    update(textarea);
    textarea.addEventListener("input", function () {
      update(textarea);
    });
  });
})();
