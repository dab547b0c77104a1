/* The sandbox's agent page (local/zendesk/sandbox_agent.py): the ticket's drop-down fields, a reply
 * editor and Submit, and the host side of the ZAF bridge for the app in #app-frame. Every call the
 * app's client makes (zaf_sdk.js) arrives here by postMessage and is answered from the sandbox's
 * REST API, signed in by the page's session cookie (writes carry its CSRF token):
 *   get     ticket.id / subject / status / priority / tags, ticket.customField:custom_field_N (the
 *           value the page shows, unsaved changes included), currentUser.id / name / email / locale,
 *           comment.text
 *   set     ticket.customField:custom_field_N: changes the field on the page; Submit saves it
 *   invoke  ticket.comment.appendText (into the editor), resize (the iframe's height)
 *   request the API, as the signed-in agent
 * Events: comment.text.changed whenever the editor's text changes. */
(function () {
  "use strict";
  var CUSTOM_FIELD = /^ticket\.customField:custom_field_(\d+)$/;
  var ticketId = Number(document.body.getAttribute("data-ticket-id"));
  var csrfToken = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var frame = document.getElementById("app-frame");
  var editor = document.getElementById("reply");
  var form = document.getElementById("fields");
  var savedValues = {}, shownValues = {}, ticket = null, user = null;

  function api(options) {
    var init = { method: (options.type || options.method || "GET").toUpperCase(), credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken } };
    if (options.data !== undefined) {
      init.headers["Content-Type"] = options.contentType || "application/json";
      init.body = typeof options.data === "string" ? options.data : JSON.stringify(options.data);
    }
    return fetch(options.url, init).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) { throw { status: response.status, statusText: response.statusText, responseText: text }; }
        return text ? JSON.parse(text) : {};
      });
    });
  }

  function emit(name, payload) {
    frame.contentWindow.postMessage({ zaf: "event", name: name, payload: payload }, window.location.origin);
  }

  function showField(id, value) {
    shownValues[id] = value;
    var select = form.querySelector("select[data-field-id='" + id + "']");
    if (select) {
      select.value = value == null ? "" : value;
      select.classList.toggle("changed", String(value || "") !== String(savedValues[id] || ""));
    }
  }

  function valueOf(path) {
    var field = CUSTOM_FIELD.exec(path);
    if (field) { return shownValues[field[1]]; }
    var values = {
      "ticket.id": ticket.id, "ticket.subject": ticket.subject, "ticket.status": ticket.status,
      "ticket.priority": ticket.priority, "ticket.tags": ticket.tags, "currentUser.id": user.id,
      "currentUser.name": user.name, "currentUser.email": user.email, "currentUser.locale": user.locale,
      "comment.text": editor.value
    };
    if (!Object.prototype.hasOwnProperty.call(values, path)) { throw new Error("no such path: " + path); }
    return values[path];
  }

  var answers = {
    get: function (paths) {
      var answer = { errors: {} };
      paths.forEach(function (path) {
        try { answer[path] = valueOf(path); } catch (error) { answer.errors[path] = { message: error.message }; }
      });
      return answer;
    },
    set: function (values) {
      var answer = { errors: {} };
      Object.keys(values).forEach(function (path) {
        var field = CUSTOM_FIELD.exec(path);
        if (field && Object.prototype.hasOwnProperty.call(shownValues, field[1])) {
          showField(field[1], values[path]);
          answer[path] = values[path];
        } else {
          answer.errors[path] = { message: "cannot set " + path };
        }
      });
      return answer;
    },
    invoke: function (name, argument) {
      if (name === "ticket.comment.appendText") {
        editor.value += argument;
        emit("comment.text.changed", editor.value);
      } else if (name === "resize") {
        frame.style.height = argument && argument.height ? argument.height : frame.style.height;
      } else {
        throw new Error("no such action: " + name);
      }
      return {};
    },
    request: function (options) { return api(options); },
    context: function () { return { product: "support", location: "ticket_sidebar", ticketId: ticketId }; }
  };

  // The app's calls wait until the ticket, its fields and the agent are read.
  var ready = Promise.all([
    api({ url: "/api/v2/tickets/" + ticketId + ".json" }),
    api({ url: "/api/v2/ticket_fields.json" }),
    api({ url: "/api/v2/users/me.json" })
  ]).then(function (answered) {
    ticket = answered[0].ticket;
    user = answered[2].user;
    ticket.custom_fields.forEach(function (f) { savedValues[f.id] = f.value; shownValues[f.id] = f.value; });
    renderFields(answered[1].ticket_fields);
  });

  window.addEventListener("message", function (event) {
    var message = event.data || {};
    if (event.source !== frame.contentWindow || event.origin !== window.location.origin || message.zaf !== "call") { return; }
    var reply = function (fields) { frame.contentWindow.postMessage(Object.assign({ zaf: "answer", id: message.id }, fields), window.location.origin); };
    ready.then(function () { return answers[message.method].apply(null, message.args); }).then(
      function (result) { reply({ result: result }); },
      function (error) { reply({ failed: true, error: error instanceof Error ? { message: error.message } : error }); }
    );
  });

  function renderFields(ticketFields) {
    ticketFields.filter(function (f) { return f.type === "tagger" && f.active && f.removable !== false; }).forEach(function (f) {
      var select = document.createElement("select");
      select.setAttribute("data-field-id", String(f.id));
      [{ name: "-", value: "" }].concat(f.custom_field_options || []).forEach(function (option) {
        var item = document.createElement("option");
        item.value = option.value;
        item.textContent = option.name;
        select.appendChild(item);
      });
      select.addEventListener("change", function () { showField(f.id, select.value || null); });
      var label = document.createElement("label");
      label.textContent = f.title;
      label.appendChild(select);
      form.appendChild(label);
      showField(f.id, shownValues[f.id]);
    });
  }

  function submit() {
    var changed = Object.keys(shownValues).filter(function (id) { return String(shownValues[id] || "") !== String(savedValues[id] || ""); });
    var update = { custom_fields: changed.map(function (id) { return { id: Number(id), value: shownValues[id] }; }) };
    if (editor.value.trim()) { update.comment = { body: editor.value, "public": true }; }
    if (!changed.length && !update.comment) { return; }
    api({ url: "/api/v2/tickets/" + ticketId + ".json", type: "PUT", data: { ticket: update } }).then(
      function () { window.location.reload(); },
      function (error) { document.getElementById("submit-status").textContent = "Not saved: " + error.status + " " + error.responseText; }
    );
  }

  editor.addEventListener("input", function () { emit("comment.text.changed", editor.value); });
  document.getElementById("submit").addEventListener("click", submit);

}());
