/* Complaint triage, ticket sidebar (issue 15).
 *
 * Reads the ticket through the ZAF client: the plugin's "Complaint triage data" field (grade,
 * reasons with the customer's words, remedies, deadlines with warning times and states) and its
 * grade drop-downs. Counts the deadlines down (amber inside the R-SLA-6 warning, red once due),
 * inserts a remedy into the reply, flags forbidden phrases while the agent types (compliance.yaml),
 * and writes the agent's correction of the level, category or subtype to the drop-downs the plugin
 * reads back as a correction (saved when the agent submits the ticket, as any field change).
 * triage.json is exported by `triage zendesk app-assets`: the policies' part, the drop-downs'
 * options, and the app's words from translations/*.json.
 */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var hours = Math.floor(minutes / 60);
    var seconds = Math.floor(Math.abs(ms) / 1000) % 60;
    return hours > 0 ? hours + "h " + (minutes % 60) + "m" : minutes + "m " + seconds + "s";
  }

  function fieldKey(id) { return "ticket.customField:custom_field_" + id; }

  // The sidebar is as tall as the app asks: ask again whenever the content's height changes.
  function fit(client) {
    client.invoke("resize", { width: "100%", height: Math.ceil(document.body.getBoundingClientRect().height) + "px" });
  }

  function Sidebar(client, config, ids, data, language, shown) {
    this.client = client;
    this.config = config;
    this.ids = ids;
    this.data = data;
    this.shown = shown;  // the grade drop-downs' option values on the ticket now
    this.words = config.words[language] || config.words.en;
    this.language = language;
    this.labels = config.labels[language] || config.labels.en;
  }

  Sidebar.prototype.render = function (root) {
    var self = this, data = this.data, w = this.words;
    root.innerHTML = "";
    if (!data || !data.level) { root.appendChild(el("p", { "class": "muted", text: w.none })); return; }
    var head = el("p", {}, [
      el("span", { "class": "badge level-" + data.level, id: "level", text: this.labels.level_names[data.level] }),
      el("span", { text: " " + (w.categories[data.category] || data.category) + " / " + (w.subtypes[data.subtype] || data.subtype) + (data.emotion === "high" ? " · " + this.labels.emotion_high : "") })
    ]);
    if (data.corrected && data.corrected.length) { head.appendChild(el("span", { "class": "muted", text: " (" + w.corrected + ")" })); }
    root.appendChild(head);

    root.appendChild(el("h2", { text: w.why }));
    root.appendChild(el("ul", { id: "reasons" }, (data.reasons || []).map(function (r) {
      return el("li", {}, [el("strong", { text: r.rule + " " }), el("span", { "class": "quote", text: "“" + r.evidence + "”" })]);
    })));

    root.appendChild(el("h2", { text: w.due }));
    this.deadlineList = el("ul", { id: "deadlines" }, (data.deadlines || []).map(function (d) {
      var due = new Date(d.due_at);
      var local = due.toLocaleString(self.language === "zh" ? "zh-CN" : "en-GB", { dateStyle: "short", timeStyle: "short" });
      var sop = due.toLocaleString("zh-CN", { timeZone: self.config.timezone, dateStyle: "short", timeStyle: "short" });
      var item = el("li", { "class": "deadline", "data-kind": d.kind, "data-due": d.due_at, "data-warn": d.warn_at || "", "data-state": d.state, title: self.config.timezone + ": " + sop }, [
        el("span", { text: (self.labels.kinds[d.kind] || d.kind) + " (" + d.rule + ") " + local + " · " }),
        el("span", { "class": "left" })
      ]);
      return item;
    }));
    root.appendChild(this.deadlineList);
    this.tick();

    if (data.remedies) {
      root.appendChild(el("h2", { text: w.remedies + " (" + data.remedies.rule + ")" }));
      [["main", w.main], ["alternative", w.alternative]].forEach(function (pair) {
        var text = data.remedies[pair[0]];
        var button = el("button", { type: "button", "data-remedy": pair[0], text: w.insert });
        button.addEventListener("click", function () { self.client.invoke("ticket.comment.appendText", text); });
        root.appendChild(el("p", {}, [el("span", { text: pair[1] + ": " + text + " " }), button]));
      });
    }

    root.appendChild(el("h2", { text: w.check }));
    this.findings = el("div", { id: "findings", "class": "muted", text: w.clean });
    root.appendChild(this.findings);

    root.appendChild(el("h2", { text: w.correct }));
    var buttons = el("p", { id: "correct" });
    var levels = this.config.options.level;
    Object.keys(levels).forEach(function (level) {
      var button = el("button", { type: "button", "data-level": level, text: self.labels.level_names[level] });
      button.disabled = levels[level] === self.shown.level;
      button.addEventListener("click", function () {
        self.correct("level", level);
        Array.prototype.forEach.call(buttons.children, function (b) { b.disabled = b === button; });
      });
      buttons.appendChild(button);
    });
    root.appendChild(buttons);
    [["category", w.categories], ["subtype", w.subtypes]].forEach(function (pair) {
      var field = pair[0], options = self.config.options[field];
      var select = el("select", { id: "correct-" + field }, Object.keys(options).map(function (grade) {
        return el("option", { value: grade, text: pair[1][grade] || grade });
      }));
      select.value = Object.keys(options).filter(function (grade) { return options[grade] === self.shown[field]; })[0] || "";
      select.addEventListener("change", function () { self.correct(field, select.value); });
      root.appendChild(el("p", {}, [el("label", { text: w[field] + " " }, [select])]));
    });
    this.hint = el("p", { id: "correct-hint", "class": "muted", text: w.submit_to_save });
    this.hint.hidden = true;
    root.appendChild(this.hint);
  };

  Sidebar.prototype.tick = function () {
    var now = Date.now(), w = this.words;
    Array.prototype.forEach.call(this.deadlineList ? this.deadlineList.children : [], function (item) {
      var state = item.getAttribute("data-state"), left = item.querySelector(".left");
      item.classList.remove("amber", "red", "met");
      if (state === "met" || state === "cancelled") {
        item.classList.add("met");
        left.textContent = state === "met" ? "✓ " + w.met : w.cancelled;
        return;
      }
      var due = Date.parse(item.getAttribute("data-due")), warn = Date.parse(item.getAttribute("data-warn"));
      if (now >= due || state === "breached") {
        item.classList.add("red");
        left.textContent = w.overdue + " " + span(now - due);
      } else {
        if ((warn && now >= warn) || state === "warned") { item.classList.add("amber"); }
        left.textContent = span(due - now) + " " + w.left;
      }
    });
  };

  Sidebar.prototype.lint = function (text) {
    var lowered = (text || "").toLowerCase(), w = this.words, language = this.language, found = [];
    this.config.compliance.forEach(function (entry) {
      entry.phrases.forEach(function (phrase) {
        if (lowered.indexOf(phrase.toLowerCase()) >= 0) { found.push({ rule: entry.rule, phrase: phrase, instead: entry.instead[language] || entry.instead.en }); }
      });
    });
    this.findings.innerHTML = "";
    this.findings.className = found.length ? "" : "muted";
    if (!found.length) { this.findings.textContent = w.clean; return found; }
    var self = this;
    found.forEach(function (f) {
      self.findings.appendChild(el("div", { "class": "finding", "data-rule": f.rule }, [
        el("strong", { text: f.rule + " " }), el("mark", { text: f.phrase }),
        el("div", { text: f.instead })  // compliance.yaml words it whole ("改为…", "Say …")
      ]));
    });
    return found;
  };

  Sidebar.prototype.correct = function (field, grade) {
    var value = this.config.options[field][grade], hint = this.hint;
    this.shown[field] = value;
    var client = this.client;
    client.set(fieldKey(this.ids[field]), value).then(function () { hint.hidden = false; fit(client); });
  };

  function fieldIds(config, fields) {
    var byTitle = {};
    fields.forEach(function (f) { byTitle[f.title] = f.id; });
    var ids = {};
    Object.keys(config.fields).forEach(function (name) { ids[name] = byTitle[config.fields[name]]; });
    return ids;
  }

  function start() {
    var client = window.ZAFClient.init();
    var config, ids;
    fetch("triage.json").then(function (r) { return r.json(); }).then(function (loaded) {
      config = loaded;
      return client.request({ url: "/api/v2/ticket_fields.json", type: "GET" });
    }).then(function (answer) {
      ids = fieldIds(config, answer.ticket_fields || []);
      return client.get(Object.keys(ids).map(function (name) { return fieldKey(ids[name]); }).concat(["currentUser.locale"]));
    }).then(function (got) {
      var raw = got[fieldKey(ids.sidebar)];
      var locale = String(got["currentUser.locale"] || "en");
      var data = raw ? JSON.parse(raw) : null;
      var language = locale.toLowerCase().indexOf("zh") === 0 ? "zh" : "en";
      var shown = {};
      Object.keys(config.options).forEach(function (field) { shown[field] = got[fieldKey(ids[field])]; });
      var sidebar = new Sidebar(client, config, ids, data, language, shown);
      sidebar.render(document.getElementById("app"));
      window.setInterval(function () { sidebar.tick(); }, 1000);
      fit(client);
      client.on("comment.text.changed", function (text) { sidebar.lint(text); fit(client); });
      window.complaintSidebar = sidebar;
    }).catch(function (error) {
      document.getElementById("app").textContent = "Complaint triage: " + (error && error.message ? error.message : JSON.stringify(error));
    });
  }

  start();
}());
