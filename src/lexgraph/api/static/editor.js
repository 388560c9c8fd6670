// Starts YASGUI (@zazuko/yasgui 4.6, served from /static/yasgui/) against this server's
// endpoint, with one tab per named query. Nothing here asks another server for anything.
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
    autoAddOnInit: false, // the named queries are the tabs
    persistenceId: null, // every visit starts from the named queries, not from old tabs
    autofocus: false,
    yasqe: { collapsePrefixesOnLoad: true } // the question and the query, not 12 PREFIX lines, in view
  });
  // YASGUI writes a link's settings (graphs, headers, arguments) into the defaults of every
  // later tab; the linked tab keeps its own copy, the defaults go back to ours.
  yasgui.config.requestConfig = Object.assign(JSON.parse(JSON.stringify(Yasgui.defaults.requestConfig)), requestConfig);

  config.queries.forEach(function (q, i) {
    yasgui.addTab(i === 0 && !linkedTab, { name: q.title, yasqe: { value: q.query } });
  });
  if (!yasgui.getTab()) { yasgui.addTab(true); }
  window.lexgraphYasgui = yasgui;
})();
