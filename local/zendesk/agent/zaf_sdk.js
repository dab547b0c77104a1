/* The ZAF v2 client for an app's iframe, served by the Zendesk sandbox in place of Zendesk's
 * zaf_sdk.min.js (local/zendesk/sandbox_agent.py). As the real SDK does, it passes every call to
 * the agent page that hosts the iframe with postMessage (to the `origin` in the iframe's query) and
 * resolves with the page's answer; the page (agent_page.js) answers from the sandbox's REST API.
 * Shapes follow ZAF v2: get() resolves {path: value, errors: {}}; set() and invoke() resolve;
 * request() resolves the API's JSON or rejects with {status, statusText, responseText}; on() and
 * off() subscribe to the page's events (comment.text.changed, ...). */
(function () {
  "use strict";
  var origin = new URLSearchParams(window.location.search).get("origin") || window.location.origin;
  var pending = {}, handlers = {}, lastId = 0;

  window.addEventListener("message", function (event) {
    var message = event.data || {};
    if (event.source !== window.parent || event.origin !== origin) { return; }
    if (message.zaf === "answer" && pending[message.id]) {
      var waiting = pending[message.id];
      delete pending[message.id];
      if (message.failed) { waiting.reject(message.error); } else { waiting.resolve(message.result); }
    } else if (message.zaf === "event") {
      (handlers[message.name] || []).slice().forEach(function (handler) { handler(message.payload); });
    }
  });

  function call(method, args) {
    return new Promise(function (resolve, reject) {
      lastId += 1;
      pending[lastId] = { resolve: resolve, reject: reject };
      window.parent.postMessage({ zaf: "call", id: lastId, method: method, args: args }, origin);
    });
  }

  function client() {
    return {
      get: function (paths) { return call("get", [Array.isArray(paths) ? paths : [paths]]); },
      set: function (path, value) {
        var values = typeof path === "string" ? {} : path;
        if (typeof path === "string") { values[path] = value; }
        return call("set", [values]);
      },
      invoke: function () { return call("invoke", Array.prototype.slice.call(arguments)); },
      request: function (options) { return call("request", [typeof options === "string" ? { url: options } : options]); },
      context: function () { return call("context", []); },
      on: function (name, handler) { (handlers[name] = handlers[name] || []).push(handler); },
      off: function (name, handler) {
        handlers[name] = (handlers[name] || []).filter(function (h) { return h !== handler; });
      }
    };
  }

  window.ZAFClient = {
    init: function (callback) {
      var made = client();
      if (callback) { made.context().then(callback); }
      return made;
    }
  };
}());
