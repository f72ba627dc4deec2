/* Autosave of the draft form (form[data-autosave]): every 30 seconds if something changed, and when
   a field loses focus after a change, the whole form is POSTed with fetch to its own URL. The server
   answers {"version": n, "saved_at": "14:05", "warning": ""} or an error {"error": message} (409 when
   the draft was changed elsewhere: autosave then stops, so nothing is overwritten). The new version
   goes into every input.draft-version of the page (the draft form and the attachment forms).
   Without JavaScript the Save button does the same. All texts come translated from data-*-text.
   The answer also says where each part of the application stands ("progress": {anchor: {state,
   text}}), which the progress list ([data-part]) shows at once. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var status = document.getElementById(form.dataset.status);
  var INTERVAL = 30000;
  var dirty = false;
  var saving = null; // the promise of the save under way
  var stopped = false;
  var leaving = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function setVersion(version) {
    document.querySelectorAll("input.draft-version").forEach(function (input) {
      input.value = String(version);
    });
  }

  var STATE_CLASSES = {
    complete: "text-bg-success",
    optional: "text-bg-light border",
    incomplete: "text-bg-warning",
  };

  function showProgress(progress) {
    Object.keys(progress || {}).forEach(function (anchor) {
      var part = document.querySelector('[data-part="' + CSS.escape(anchor) + '"]');
      var badge = part && part.querySelector(".progress-state");
      if (badge) {
        badge.className = "badge progress-state " + STATE_CLASSES[progress[anchor].state];
        badge.textContent = progress[anchor].text;
      }
    });
  }

  function save() {
    if (stopped) {
      return Promise.resolve(false);
    }
    if (saving) {
      return saving.then(save);
    }
    if (!dirty) {
      return Promise.resolve(true);
    }
    dirty = false;
    say(form.dataset.savingText);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    saving = fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-CSRFToken": token ? token.value : "",
        Accept: "application/json",
      },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      })
      .then(function (result) {
        if (result.ok) {
          setVersion(result.body.version);
          showProgress(result.body.progress);
          var text = fill(form.dataset.savedText, { time: result.body.saved_at });
          say(result.body.warning ? text + " " + result.body.warning : text);
          return true;
        }
        say(fill(form.dataset.failedText, { error: result.body.error || "" }));
        if (result.status === 409) {
          stopped = true; // changed elsewhere, or no longer a draft: never overwrite
        } else {
          dirty = true;
        }
        return false;
      })
      .catch(function () {
        dirty = true;
        say(form.dataset.offlineText);
        return false;
      })
      .finally(function () {
        saving = null;
      });
    return saving;
  }

  function changed(event) {
    if (event.target.form === form) {
      dirty = true; // not the file inputs, which belong to the attachment forms
    }
  }

  function resubmit(target, submitter) {
    leaving = true;
    if (target.requestSubmit) {
      target.requestSubmit(submitter || undefined);
    } else {
      if (submitter && submitter.formAction) {
        target.action = submitter.formAction;
      }
      target.submit();
    }
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("focusout", function () {
    if (dirty) {
      save();
    }
  });
  window.setInterval(function () {
    if (dirty && !leaving) {
      save();
    }
  }, INTERVAL);

  // The Save and Submit buttons post the page themselves: no autosave may race them. If one is under
  // way (leaving a field by clicking the button starts one), wait for it and its new version.
  form.addEventListener("submit", function (event) {
    if (leaving) {
      return;
    }
    stopped = true;
    if (saving) {
      event.preventDefault();
      var submitter = event.submitter;
      saving.then(function () {
        resubmit(form, submitter);
      });
      return;
    }
    leaving = true;
  });

  // Uploading or deleting a file reloads the page: save the typed text first, then go on with the
  // version that save returned.
  document.querySelectorAll("form.attachment-form").forEach(function (other) {
    other.addEventListener("submit", function (event) {
      if (!dirty && !saving) {
        return;
      }
      event.preventDefault();
      var submitter = event.submitter;
      save().then(function (saved) {
        if (saved) {
          resubmit(other, submitter);
        }
      });
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
