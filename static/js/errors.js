/* What a page refused, where the person is looking (RGAA 11.10, 11.11). On load, the focus moves
   to the first field marked aria-invalid="true" (its label and message are read with it), or to
   the error summary when no field is marked, or to the field the address names (#question-...)
   when the page came back for it. A link of the summary moves the focus to its field,
   not only the scroll. */
(function () {
  "use strict";

  var FIELDS = "input, select, textarea";

  function focusable(target) {
    if (target.matches(FIELDS)) {
      return target;
    }
    return target.querySelector('[aria-invalid="true"]') || target.querySelector(FIELDS) || target;
  }

  function focusOn(target) {
    if (!target.matches(FIELDS) && !target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center", behavior: "instant" }); // not smooth: seen at once
  }

  var invalid = Array.prototype.filter.call(
    document.querySelectorAll('[aria-invalid="true"]'),
    function (field) {
      return !field.disabled && field.getClientRects().length > 0;
    }
  );
  var summary = document.querySelector("[data-error-summary]");
  // A link to one field of the page (#question-...) is followed: the page came back for it.
  var wanted = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var first = null;
  if (wanted && (invalid.length || summary)) {
    first = focusable(wanted);
  } else if (invalid.length) {
    first = invalid[0];
  } else if (summary) {
    first = summary;
  }
  if (first) {
    focusOn(first);
    // Going to the address's #fragment, once the page is loaded, moves the focus to the
    // fragment's element or to the page itself: take it back for the field.
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        if (document.activeElement !== first) {
          focusOn(first);
        }
      }, 0);
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) {
      return;
    }
    event.preventDefault();
    history.replaceState(null, "", link.hash);
    focusOn(focusable(target));
  });
})();
