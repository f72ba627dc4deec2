/* Team rows and budget lines added and removed in the page (section[data-formset]), and the
   budget's totals kept up to date as amounts are typed. Without JavaScript the page works as
   before: the last row is blank, a save brings a new blank one, the totals are those saved.

   Adding clones the formset's empty form (<template data-empty-row>, Django's "__prefix__") with
   the next index and raises the management form's TOTAL_FORMS; a row added here and never saved
   is removed from the page (a missing index is a blank row to Django, so nothing is renumbered),
   a saved one by its "Remove" checkbox. Each change is announced in the section's polite live
   region, and signalled to autosave.js by a "change" event on TOTAL_FORMS, so that the next
   autosave sends the rows as the page shows them. Texts come translated from data-*-text. */
(function () {
  "use strict";

  var language = document.documentElement.lang || "fr";
  var SPACES = /[\s\u00a0\u2009\u202f]/g;
  var COMMA_GROUPS = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
  var POINT_GROUPS = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/;
  var PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

  /* An amount as the server reads it (common.forms.parse_decimal): "45 000,50", "45000.50",
     "1.500,50", "1,500.50", "1 500 €"; 0 for what is blank or not a number. */
  function parseAmount(text) {
    text = String(text || "").replace(SPACES, "").replace("€", "");
    var english = language.indexOf("en") === 0;
    if (COMMA_GROUPS.test(text) && (english || text.indexOf(".") >= 0 || text.split(",").length > 2)) {
      text = text.replace(/,/g, "");
    } else if (POINT_GROUPS.test(text) && (text.indexOf(",") >= 0 || text.split(".").length > 2)) {
      text = text.replace(/\./g, "").replace(",", ".");
    } else {
      text = text.replace(",", ".");
    }
    return PLAIN_NUMBER.test(text) ? Math.round(parseFloat(text) * 100) : 0; // in cents
  }

  /* Cents as the page writes euros (common.formats.euros): "12 500 €", "€12,500.50". */
  function euros(cents) {
    var whole = cents % 100 === 0;
    return new Intl.NumberFormat(language, {
      style: "currency",
      currency: "EUR",
      minimumFractionDigits: whole ? 0 : 2,
      maximumFractionDigits: whole ? 0 : 2,
    }).format(cents / 100);
  }

  function fill(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function Formset(section) {
    this.section = section;
    this.prefix = section.dataset.formset;
    this.rows = section.querySelector("[data-rows]");
    this.template = section.querySelector("template[data-empty-row]");
    this.total = section.querySelector("input[name=" + this.prefix + "-TOTAL_FORMS]");
    this.status = section.querySelector("[data-rows-status]");
    this.totals = section.querySelector("#budget-totals");
  }

  Formset.prototype.say = function (text) {
    if (!this.status) {
      return;
    }
    // Emptied first, so that the same words said twice are announced twice.
    this.status.textContent = "";
    var status = this.status;
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  };

  Formset.prototype.changed = function () {
    this.total.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Formset.prototype.add = function () {
    var index = parseInt(this.total.value, 10) || 0;
    var count = this.rows.querySelectorAll("[data-row]").length + 1;
    var html = this.template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(count));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.querySelector("[data-row]");
    this.rows.appendChild(row);
    this.total.value = String(index + 1);
    this.changed();
    this.say(this.section.dataset.addedText);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  };

  Formset.prototype.remove = function (row) {
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    this.changed();
    this.update();
    this.say(this.section.dataset.removedText);
    var target = next && next.querySelector("input:not([type=hidden]), select, textarea");
    (target || this.section.querySelector("[data-add-row]")).focus();
  };

  /* The budget's totals, per category and overall, from the lines on the page that are not
     marked for removal. */
  Formset.prototype.update = function (announce) {
    if (!this.totals) {
      return;
    }
    var sums = {};
    var requested = 0;
    var cofunding = 0;
    this.rows.querySelectorAll("[data-row]").forEach(function (row) {
      var removed = row.querySelector("input[type=checkbox][name$='-DELETE']");
      if (removed && removed.checked) {
        return;
      }
      var category = row.querySelector("[name$='-category']");
      var asked = parseAmount((row.querySelector("[name$='-amount_requested']") || {}).value);
      var given = parseAmount((row.querySelector("[name$='-cofunding']") || {}).value);
      var key = category ? category.value : "";
      sums[key] = sums[key] || { requested: 0, cofunding: 0 };
      sums[key].requested += asked;
      sums[key].cofunding += given;
      requested += asked;
      cofunding += given;
    });
    this.totals.querySelectorAll("tbody tr[data-category]").forEach(function (line) {
      var sum = sums[line.dataset.category] || { requested: 0, cofunding: 0 };
      line.querySelector("[data-total=requested]").textContent = euros(sum.requested);
      line.querySelector("[data-total=cofunding]").textContent = euros(sum.cofunding);
      line.hidden = !sum.requested && !sum.cofunding;
    });
    var foot = this.totals.querySelector("tfoot");
    var over = requested > parseAmount(this.totals.dataset.max);
    foot.querySelector("[data-total=requested]").textContent = euros(requested);
    foot.querySelector("[data-total=requested]").classList.toggle("text-danger", over);
    foot.querySelector("[data-total=cofunding]").textContent = euros(cofunding);
    this.totals.querySelector(".budget-over-max").hidden = !over;
    if (announce) {
      this.say(fill(this.section.dataset.totalText, { total: euros(requested) }));
    }
  };

  Formset.prototype.start = function () {
    var self = this;
    if (!this.rows || !this.template || !this.total) {
      return;
    }
    var add = this.section.querySelector("[data-add-row]");
    add.hidden = false;
    add.addEventListener("click", function () {
      self.add();
    });
    // The blank row is one more row, numbered like those the button adds.
    this.rows.querySelectorAll("legend[data-legend]").forEach(function (legend) {
      legend.textContent = legend.dataset.legend;
    });
    var help = this.section.querySelector("[data-no-script-help]");
    if (help) {
      help.hidden = true;
    }
    this.rows.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (button) {
        self.remove(button.closest("[data-row]"));
      }
    });
    if (this.totals) {
      var note = this.totals.querySelector("[data-live-text]");
      if (note) {
        note.textContent = note.dataset.liveText;
      }
      this.rows.addEventListener("input", function () {
        self.update(false);
      });
      // Said once the person leaves the field or ticks a box, not at every key.
      this.rows.addEventListener("change", function () {
        self.update(true);
      });
      this.update(false);
    }
  };

  document.querySelectorAll("section[data-formset]").forEach(function (section) {
    new Formset(section).start();
  });
})();
