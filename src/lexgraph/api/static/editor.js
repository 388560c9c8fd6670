// Starts YASGUI against this server's endpoint, with one tab per named query.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("lexgraph-config").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: config.endpoint }]; } },
    populateFromUrl: true,
    autofocus: false,
    persistenceId: null
  });
  Yasgui.Yasqe.defaults.value = config.queries.length ? config.queries[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
  var fromUrl = window.location.hash.length > 1 || window.location.search.indexOf("query=") >= 0;
  if (!fromUrl) {
    var first = yasgui.getTab();
    config.queries.forEach(function (q, i) {
      var tab = i === 0 && first ? first : yasgui.addTab(false);
      tab.setName(q.title);
      tab.setQuery(q.query);
    });
    if (first) { yasgui.selectTabId(first.getId()); }
  }
  window.lexgraphYasgui = yasgui;
})();
