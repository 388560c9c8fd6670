// The timeline page's drawing: the events of <script id="timeline-data"> on a vis-timeline axis.
// Item content is built with textContent (never as HTML); a click on an event opens its page.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("timeline-data").textContent);
  var box = document.getElementById("timeline");
  if (!window.vis || !window.vis.Timeline) {
    box.textContent = "The drawing could not start (vis-timeline is not loaded); the table below lists every event.";
    return;
  }
  var byId = {};
  var items = data.items.map(function (event) {
    byId[event.id] = event;
    var content = document.createElement("span");
    if (event.contested) {
      var mark = document.createElement("span");
      mark.className = "contested-label";
      mark.textContent = "contested";
      content.appendChild(mark);
      content.appendChild(document.createTextNode(" "));
    }
    var text = document.createElement(event.href ? "a" : "span");
    if (event.href) { text.href = event.href; }
    text.textContent = event.label;
    content.appendChild(text);
    var tip = event.date + " (" + event.precision + ") " + event.label +
      (event.contested ? " [contested]" : "") + (event.sources.length ? " (" + event.sources.join("; ") + ")" : "");
    content.title = tip;
    content.setAttribute("data-iri", event.iri);
    var item = {
      id: event.id, group: event.group, start: event.start, content: content,
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
  // The whole span of the events, with a margin, as the first view (no fitting after drawing).
  var first = Math.min.apply(null, data.items.map(function (e) { return Date.parse(e.start); }));
  var last = Math.max.apply(null, data.items.map(function (e) { return Date.parse(e.end || e.start); }));
  var margin = Math.max((last - first) * 0.15, 365 * 864e5);  // boxes stand centred on their day
  var timeline = new window.vis.Timeline(box, new window.vis.DataSet(items), new window.vis.DataSet(groups), {
    start: new Date(first - margin), end: new Date(last + margin),
    stack: true, zoomKey: "ctrlKey", orientation: { axis: "both" }, margin: { item: { horizontal: 4, vertical: 6 } },
    selectable: true, showCurrentTime: false, horizontalScroll: false,
    // Items are laid out over a few frames; say when they stand where they will stay.
    onInitialDrawComplete: function () { box.setAttribute("data-drawn", "true"); }
  });
  function open(id) {
    var event = byId[id];
    if (event && event.href) { window.location.assign(event.href); }
  }
  timeline.on("click", function (props) { if (props.item !== null && props.item !== undefined) { open(props.item); } });
  timeline.on("select", function (props) { if (props.items && props.items.length === 1) { open(props.items[0]); } });
  window.lexgraphTimeline = timeline;
})();
