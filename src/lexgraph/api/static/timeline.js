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
  var LABEL_PX = 270;  // the widest item label: max-width 20em at 12px, padding and borders
  var COLUMN_PX = 166;  // the class column: 9rem, padding, the coloured border, borders, spare pixels
  var YEAR = 365.25 * 864e5;
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
    // The whole span: from just before the first event to where the widest label (LABEL_PX, as
    // in timeline.css) fits after the last one begins (after a bar; at a day's box), on an axis
    // of the given width. The first time, before vis-timeline has drawn, the axis is the box
    // less the class column, whose width timeline.css fixes (COLUMN_PX), so the first drawing
    // is already the final one (vis-timeline applies start and end at its first drawing).
    var first = Math.min.apply(null, data.items.map(function (e) { return Date.parse(e.start); }));
    var lastLabel = Math.max.apply(null, data.items.map(function (e) { return Date.parse(e.end || e.start); }));
    function whole(width) {
      var room = Math.min(LABEL_PX, width / 2);
      var start = first - Math.max((lastLabel - first) * 0.02, 30 * 864e5);
      return { start: new Date(start), end: new Date(start + (lastLabel - start) * width / (width - room)) };
    }
    var initial = whole(box.clientWidth - COLUMN_PX);
    var timeline = new window.vis.Timeline(box, new window.vis.DataSet(items), new window.vis.DataSet(groups), {
      start: initial.start, end: initial.end, height: box.clientHeight + "px", verticalScroll: true,
      stack: true, align: "left", zoomKey: "ctrlKey", orientation: { axis: "top", item: "top" },
      margin: { item: { horizontal: 6, vertical: 4 } }, selectable: true, showCurrentTime: false,
      horizontalScroll: false,
      onInitialDrawComplete: function () { box.setAttribute("data-drawn", "axis"); }
    });
    function open(id) {
      var event = byId[id];
      if (event && event.href) { window.location.assign(event.href); }
    }
    timeline.on("click", function (props) { if (props.item !== null && props.item !== undefined) { open(props.item); } });
    timeline.on("select", function (props) { if (props.items && props.items.length === 1) { open(props.items[0]); } });
    // The rows scroll in the panel of class names: let the keyboard reach it (arrow keys scroll it).
    var rows = box.querySelector(".vis-panel.vis-left");
    if (rows) {
      rows.tabIndex = 0;
      rows.setAttribute("role", "group");
      rows.setAttribute("aria-label", "Rows of the drawing; scroll them with the arrow keys");
    }
    document.querySelectorAll(".drawing [data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "in") { timeline.zoomIn(0.5); } else if (how === "out") { timeline.zoomOut(0.5); }
        else {
          var span = whole(box.querySelector(".vis-panel.vis-center").clientWidth);
          timeline.setWindow(span.start, span.end, { animation: false });
        }
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
