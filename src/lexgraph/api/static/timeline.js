// The timeline page's drawing: the events of <script id="timeline-data"> on a vis-timeline axis.
// Only on a screen wide enough for an axis (WIDE, as in timeline.css): there the vis-timeline
// bundle is loaded and drawn into #timeline, whose height the style sheet has already fixed, so
// nothing on the page moves. On a narrow screen the style sheet shows the events as a vertical
// list and no bundle is loaded (until the screen becomes wide, e.g. a phone turned sideways).
// #timeline gets data-drawn="axis" or "list" once it shows what it will show.
// Item content is built with textContent (never as HTML); a click on an event opens its page.
(function () {
  "use strict";
  var WIDE = "(min-width: 40rem)";
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var box = document.getElementById("timeline");
  var wide = window.matchMedia(WIDE);
  var started = false;

  function fail(why) {
    box.textContent = why + "; the table below lists every event.";
    box.setAttribute("data-drawn", "failed");
  }

  function content(event) {
    var span = document.createElement("span");
    if (event.contested) {
      var mark = document.createElement("span");
      mark.className = "contested-label";
      mark.textContent = "contested";
      span.appendChild(mark);
      span.appendChild(document.createTextNode(" "));
    }
    var text = document.createElement(event.href ? "a" : "span");
    if (event.href) { text.href = event.href; }
    text.textContent = event.label;
    span.appendChild(text);
    span.title = event.date + " (" + event.precision + ") " + event.label + (event.contested ? " [contested]" : "") +
      (event.sources.length ? " (" + event.sources.join("; ") + ")" : "");
    span.setAttribute("data-iri", event.iri);
    return span;
  }

  function draw() {
    if (!window.vis || !window.vis.Timeline) { fail("The drawing could not start (vis-timeline is not loaded)"); return; }
    var byId = {};
    var items = data.items.map(function (event) {
      byId[event.id] = event;
      var item = {
        id: event.id, group: event.group, start: event.start, content: content(event),
        className: "kind-" + event.group + (event.contested ? " contested" : "") + " precision-" + event.precision
      };
      if (event.end) { item.end = event.end; item.type = "range"; } else { item.type = "box"; }
      return item;
    });
    var groups = data.groups.map(function (g) {
      var label = document.createElement("span");
      label.textContent = g.content;
      return { id: g.id, content: label, className: "kind-" + g.id };
    });
    // The whole span of the events, with room on the right for the last labels.
    var first = Math.min.apply(null, data.items.map(function (e) { return Date.parse(e.start); }));
    var last = Math.max.apply(null, data.items.map(function (e) { return Date.parse(e.end || e.start); }));
    var span = Math.max(last - first, 365 * 864e5);
    var whole = { start: new Date(first - span * 0.03), end: new Date(last + span * 0.3) };
    var timeline = new window.vis.Timeline(box, new window.vis.DataSet(items), new window.vis.DataSet(groups), {
      start: whole.start, end: whole.end, height: box.clientHeight + "px", verticalScroll: true,
      stack: true, align: "left", zoomKey: "ctrlKey", orientation: { axis: "top", item: "top" },
      margin: { item: { horizontal: 6, vertical: 4 } }, selectable: true, showCurrentTime: false,
      horizontalScroll: false,
      onInitialDrawComplete: function () { box.setAttribute("data-drawn", "axis"); }
    });
    // The rows scroll in the panel of class names: let the keyboard reach it (arrow keys scroll it).
    var rows = box.querySelector(".vis-panel.vis-left");
    if (rows) {
      rows.tabIndex = 0;
      rows.setAttribute("role", "group");
      rows.setAttribute("aria-label", "Rows of the drawing; scroll them with the arrow keys");
    }
    function open(id) {
      var event = byId[id];
      if (event && event.href) { window.location.assign(event.href); }
    }
    timeline.on("click", function (props) { if (props.item !== null && props.item !== undefined) { open(props.item); } });
    timeline.on("select", function (props) { if (props.items && props.items.length === 1) { open(props.items[0]); } });
    document.querySelectorAll(".drawing [data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "in") { timeline.zoomIn(0.5); } else if (how === "out") { timeline.zoomOut(0.5); }
        else { timeline.setWindow(whole.start, whole.end); }
      });
    });
    window.lexgraphTimeline = timeline;
  }

  function start() {
    if (started || !wide.matches) { return; }
    started = true;
    if (!data.script) { fail("The drawing's bundle has not been built on this server"); return; }
    var script = document.createElement("script");
    script.src = data.script;
    script.onload = draw;
    script.onerror = function () { fail("The drawing could not start (vis-timeline did not load)"); };
    document.body.appendChild(script);
  }

  if (wide.matches) {
    start();
  } else {
    box.setAttribute("data-drawn", "list");
    wide.addEventListener("change", start);
  }
})();
