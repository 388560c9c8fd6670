// Starts YASGUI (@zazuko/yasgui 4.6, served from /static/yasgui/) against this server's
// endpoint, beside the list of named queries (pages.py draws it). YASGUI is configured, never
// patched: what it cannot be told (accessible names, links to this server's pages) is set on
// its elements after it draws them. Nothing here asks another server for anything.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lexgraph-config").textContent);
  var endpoint = config.endpoint;
  var Yasqe = Yasgui.Yasqe;

  // Autocompletion stays on this page. The "class" and "property" completers ask Linked Open
  // Vocabularies (lov.linkeddata.es), so only these two run. YASQE.defaults is changed itself
  // because YASGUI merges arrays index by index, so a shorter list in its config would not
  // remove the others. prefixCcApi stays null: no prefix.cc.
  Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasqe.defaults.prefixCcApi = null;

  // Keyboard: Tab and Shift+Tab leave the query box (Tab goes on to the share and run buttons)
  // instead of indenting, so the box is no keyboard trap; CodeMirror's Ctrl+] and Ctrl+[
  // indent (the page lists the keys). false: CodeMirror leaves the key to the browser.
  Yasqe.defaults.extraKeys.Tab = false;
  Yasqe.defaults.extraKeys["Shift-Tab"] = false;
  // The query box is CodeMirror's contenteditable element (not a hidden textarea outside the
  // scrolling area): screen readers read its lines, and the scrolling area holds what has focus.
  Yasqe.defaults.inputStyle = "contenteditable";
  Yasqe.defaults.screenReaderLabel = "SPARQL query";

  // Prefix completion and "add the PREFIX line when a prefixed name is typed" use our
  // prefixes, then YASQE's bundled list for the rest; ours win where a name is in both.
  var bundled = Yasqe.Autocompleters.prefixes;
  var ours = Object.keys(config.prefixes).map(function (name) { return name + ": <" + config.prefixes[name] + ">"; });
  Yasqe.registerAutocompleter(Object.assign({}, bundled, {
    persistenceId: null, // no list cached in localStorage from an earlier version
    get: function (yasqe) {
      return bundled.get(yasqe).then(function (list) {
        return ours.concat(list.filter(function (line) {
          return !Object.prototype.hasOwnProperty.call(config.prefixes, line.split(":")[0]);
        })).sort();
      });
    }
  }), false);

  // ------------------------------------------------------------------ errors as sentences

  // The endpoint's errors are JSON ({"error", "message", "line", "column"}); YASR would show
  // that text raw. A syntax error's "expected one of …" list names what the parser tried at
  // the furthest point it reached, often far from the mistake: the page gives the position
  // (marked in the query) and the list's plain-language explanations ("Prefix not found"),
  // and keeps the parser's whole message folded away.
  function endpointError(text) {
    try {
      var body = JSON.parse(text);
      return body && typeof body.error === "string" && typeof body.message === "string" ? body : null;
    } catch (e) {
      return null;
    }
  }

  function explanations(message) {
    var at = message.indexOf("expected one of ");
    if (at < 0) return [];
    var rest = message.slice(at + "expected one of ".length).replace(/\[(?:[^\]'"]|'[^']*'|"[^"]*")*\]/g, "");
    return (rest.match(/"(?:[^"\\]|\\.)*"|[^,"]+/g) || []).map(function (item) { return item.trim(); })
      .filter(function (item) { return item.charAt(0) !== '"' && /\s/.test(item); });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function renderError(error) {
    var body = endpointError(error.text || "");
    if (!body) return Promise.resolve(undefined); // not our endpoint's: YASR's own rendering
    var box = element("div", "lexgraph-error");
    box.setAttribute("role", "alert");
    var headline = element("p", "lexgraph-error-headline");
    var where = body.line ? "line " + body.line + (body.column ? ", column " + body.column : "") : "";
    if (body.error === "query_syntax_error") {
      headline.textContent = "Syntax error: the query could not be read past " + (where || "a point") +
        (where ? " (marked in the query above)." : ".");
      box.appendChild(headline);
      explanations(body.message).forEach(function (reason) {
        box.appendChild(element("p", "lexgraph-error-reason", "The parser says: " + reason + "."));
      });
      var details = element("details");
      details.appendChild(element("summary", null, "The parser's whole message"));
      details.appendChild(element("pre", null, body.message));
      box.appendChild(details);
    } else {
      headline.textContent = "The endpoint did not run the query" +
        (where ? " (see " + where + ", marked in the query above)." : ".");
      box.appendChild(headline);
      box.appendChild(element("p", "lexgraph-error-reason", body.message));
    }
    box.appendChild(element("p", "lexgraph-error-code", "Error code: " + body.error));
    return Promise.resolve(box);
  }
  Yasgui.Yasr.defaults.errorRenderers = [renderError];

  // Where the endpoint says the error is: the line gets a class, the character a mark (or the
  // last one before it when the parser stopped at the end of a line), until the next run or edit.
  var marks = [];
  function clearMarks() {
    marks.forEach(function (clear) { clear(); });
    marks = [];
  }
  function markError(tab) {
    var results = tab.getYasr() && tab.getYasr().results;
    var error = results && results.getError();
    var body = error && endpointError(error.text || "");
    var yasqe = tab.getYasqe();
    if (!body || !body.line || !yasqe || body.line > yasqe.lineCount()) return;
    var line = body.line - 1;
    var text = yasqe.getLine(line);
    var ch = Math.min(Math.max((body.column || 1) - 1, 0), text.length);
    while (ch > 0 && (ch >= text.length || /\s/.test(text.charAt(ch)))) ch--;
    yasqe.addLineClass(line, "background", "lexgraph-error-line");
    var mark = yasqe.markText({ line: line, ch: ch }, { line: line, ch: Math.min(ch + 1, text.length) || ch },
                              { className: "lexgraph-error-at", attributes: { title: body.message } });
    marks.push(function () {
      yasqe.removeLineClass(line, "background", "lexgraph-error-line");
      mark.clear();
      yasqe.off("change", clearMarks);
    });
    yasqe.on("change", clearMarks);
    yasqe.scrollIntoView({ line: line, ch: ch }, 40);
  }

  // ------------------------------------------------------------------ YASGUI

  var requestConfig = { endpoint: endpoint, method: "POST" };
  var linkedTab = null;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: requestConfig,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: false,
    // A shared link (YASGUI's share button gives /sparql#query=…; /?query=… works too) opens
    // as its own tab and runs; it runs here, whatever endpoint the link names.
    populateFromUrl: function (tab) {
      tab.requestConfig = Object.assign({}, tab.requestConfig, { endpoint: endpoint });
      linkedTab = tab.id;
      return tab;
    },
    autoAddOnInit: false, // the first named query is the first tab
    persistenceId: null, // every visit starts from the named queries, not from old tabs
    autofocus: false,
    yasqe: { collapsePrefixesOnLoad: true }, // the question and the query, not 12 PREFIX lines, in view
    yasr: { prefixes: config.prefixes } // results show id:party/kazakhstan, not the whole IRI
  });
  // YASGUI writes a link's settings (graphs, headers, arguments) into the defaults of every
  // later tab; the linked tab keeps its own copy, the defaults go back to ours.
  yasgui.config.requestConfig = Object.assign(JSON.parse(JSON.stringify(Yasgui.defaults.requestConfig)), requestConfig);
  yasgui.on("query", clearMarks);
  yasgui.on("queryResponse", function (_yasgui, tab) {
    Promise.resolve().then(function () { markError(tab); }); // after YASR has read the response
  });

  // ------------------------------------------------------------------ the list of questions

  // The query text each tab got from the list: choosing a question replaces the active tab's
  // query while the user has not changed it, else opens a new tab, so no edit is lost.
  var loaded = {};
  var buttons = Array.prototype.slice.call(document.querySelectorAll("#query-items button[data-query]"));
  var status = document.getElementById("query-count");

  function markChosen(index) {
    buttons.forEach(function (button) {
      if (Number(button.dataset.query) === index) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
  }

  function load(index, run) {
    var q = config.queries[index];
    var tab = yasgui.getTab();
    if (tab && tab.getQuery() === loaded[tab.getId()]) {
      tab.setQuery(q.query);
      tab.setName(q.title);
      tab.getYasqe().collapsePrefixes(true);
    } else {
      tab = yasgui.addTab(true, { name: q.title, yasqe: { value: q.query } });
    }
    loaded[tab.getId()] = tab.getQuery();
    markChosen(index);
    if (run) tab.query().catch(function () {});
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { load(Number(button.dataset.query), true); });
  });

  // Every word typed must appear in the title or the question (case and accents ignored).
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var filter = document.getElementById("query-filter");
  filter.addEventListener("input", function () {
    var words = fold(filter.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    buttons.forEach(function (button) {
      var q = config.queries[Number(button.dataset.query)];
      var haystack = fold(q.title + " " + q.question + " " + q.name);
      var match = words.every(function (word) { return haystack.indexOf(word) >= 0; });
      button.parentNode.hidden = !match;
      if (match) shown++;
    });
    status.textContent = !words.length ? buttons.length + " questions"
      : shown ? shown + " of " + buttons.length + " questions match" : "No question matches “" + filter.value.trim() + "”";
  });

  if (linkedTab) {
    loaded[linkedTab] = null; // the linked query is the user's: a chosen question opens beside it
  } else if (config.queries.length) {
    load(0, false);
  }
  if (!yasgui.getTab()) { yasgui.addTab(true); }
  document.getElementById("new-tab").addEventListener("click", function () {
    var tab = yasgui.addTab(true);
    loaded[tab.getId()] = tab.getQuery(); // a question chosen next loads into this empty tab
  });

  // ------------------------------------------------------------------ after YASGUI draws

  // Result links to this server's graph (/id/…, /def/…, /vocab/…) open its pages.
  var pages = config.pages;
  function pagePath(iri) {
    if (iri === pages.ontology) return "/def";
    if (iri === pages.vocabularies) return "/vocab";
    var routes = [["id", "/id/"], ["def", "/def/"], ["vocab", "/vocab/"]];
    for (var i = 0; i < routes.length; i++) {
      var namespace = pages[routes[i][0]];
      if (iri.indexOf(namespace) === 0 && iri.length > namespace.length) {
        return routes[i][1] + iri.slice(namespace.length).split("/").map(encodeURIComponent).join("/");
      }
    }
    return null;
  }

  // Names and ids YASGUI leaves out (axe-core: label, aria-valid-attr-value), set on its
  // elements whenever it draws them; each fix-up is cheap and idempotent.
  var root = document.getElementById("yasgui");
  function name(selector, label) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", label);
    });
  }
  function fixUp() {
    root.querySelectorAll(".yasr a.iri:not([data-lexgraph])").forEach(function (a) {
      var path = pagePath(a.getAttribute("href") || "");
      a.setAttribute("data-lexgraph", path ? "page" : "other");
      if (path) a.setAttribute("href", path);
      a.rel = "noopener";
    });
    // A tab's panel is drawn when the tab is first shown: until then its aria-controls would
    // name an element that does not exist.
    root.querySelectorAll(".tabsList a[role=tab]").forEach(function (a) {
      var panel = a.getAttribute("href").slice(1);
      if (document.getElementById(panel)) a.setAttribute("aria-controls", panel);
      else a.removeAttribute("aria-controls");
    });
    name(".controlbar input.autocomplete", "SPARQL endpoint URL");
    name(".yasr select.tableSizer", "Results per page");
    root.querySelectorAll(".CodeMirror-code[contenteditable]").forEach(function (box) {
      box.setAttribute("role", "textbox");
      box.setAttribute("aria-multiline", "true");
      box.setAttribute("aria-describedby", "editor-keys");
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fixUp(); });
  }).observe(root, { childList: true, subtree: true });
  fixUp();

  window.lexgraphYasgui = yasgui;
})();
