/* A stand-in for the ZAF SDK (zaf_sdk.min.js) for the calls the sidebar app makes, shaped as the
 * ZAF v2 client answers them: get() resolves {path: value, errors: {}}; set() and invoke() resolve;
 * request() resolves the API's JSON; on() subscribes to events. What the app did is kept in
 * window.__zaf for the test to read; window.__zaf.emit(name, payload) fires an event.
 * Expects window.__ticket = {fields: {id: value}, ticket_fields: [...], locale: "zh-CN"}. */
(function () {
  "use strict";
  var handlers = {};
  window.__zaf = {
    sets: [], invoked: [], requests: [],
    emit: function (name, payload) { (handlers[name] || []).forEach(function (h) { h(payload); }); }
  };
  var FIELD = /^ticket\.customField:custom_field_(\d+)$/;
  function value(path) {
    var match = FIELD.exec(path);
    if (match) { return window.__ticket.fields[match[1]]; }
    if (path === "currentUser.locale") { return window.__ticket.locale; }
    if (path === "ticket.id") { return window.__ticket.id; }
    return undefined;
  }
  window.ZAFClient = {
    init: function () {
      return {
        get: function (paths) {
          var list = Array.isArray(paths) ? paths : [paths], answer = { errors: {} };
          list.forEach(function (p) { answer[p] = value(p); });
          return Promise.resolve(answer);
        },
        set: function (path, newValue) {
          var match = FIELD.exec(path);
          if (match) { window.__ticket.fields[match[1]] = newValue; }
          window.__zaf.sets.push({ path: path, value: newValue });
          return Promise.resolve({});
        },
        invoke: function () {
          window.__zaf.invoked.push(Array.prototype.slice.call(arguments));
          return Promise.resolve({});
        },
        request: function (options) {
          window.__zaf.requests.push(options);
          if (options.url.indexOf("/api/v2/ticket_fields") === 0) {
            return Promise.resolve({ ticket_fields: window.__ticket.ticket_fields });
          }
          return Promise.reject(new Error("no stand-in for " + options.url));
        },
        on: function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); }
      };
    }
  };
}());
