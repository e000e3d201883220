// Draws one Plotly figure with the app's own build of plotly.js, served by the app
// (static/vendor), and reports clicked or box-selected points back to Python in the
// shape st.plotly_chart uses: state "selection" = {points: [...], point_indices: [...]}.
// The library is loaded once per page; every chart waits for the same promise.

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__crosscurrentsPlotly) {
    window.__crosscurrentsPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      const fail = () => {
        window.__crosscurrentsPlotly = null;  // the next chart tries again, with a fresh tag
        script.remove();
        reject(new Error("plotly.js did not load: " + src));
      };
      script.addEventListener("load", () => (window.Plotly ? resolve(window.Plotly) : fail()));
      script.addEventListener("error", fail);
      document.head.appendChild(script);
    });
  }
  return window.__crosscurrentsPlotly;
}

function asText(data) {
  if (typeof data === "string") return data;
  return new TextDecoder().decode(data);
}

function selectionOf(event) {
  const points = ((event && event.points) || []).map((p) => ({
    curve_number: p.curveNumber,
    point_number: p.pointNumber,
    point_index: p.pointIndex,
    x: p.x,
    y: p.y,
    customdata: p.customdata === undefined ? null : p.customdata,
  }));
  return { points: points, point_indices: points.map((p) => p.point_index) };
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const payload = JSON.parse(asText(data));
  if (payload.preload) {  // draws nothing: starts the download while the page is computed
    loadPlotly(payload.src).catch(() => {});
    return;
  }
  let el = parentElement.querySelector(".crosscurrents-chart");
  if (!el) {
    el = document.createElement("div");
    el.className = "crosscurrents-chart";
    el.style.width = "100%";
    parentElement.appendChild(el);
  }
  // Each call draws the newest figure; a slower, older call must not draw over it or
  // purge it (Streamlit may run an older call's cleanup after a newer call).
  const call = (el.__call = (el.__call || 0) + 1);
  // A rerun may hand a new setStateValue; the listeners below always use the latest.
  el.__report = setStateValue;
  loadPlotly(payload.src).then((Plotly) => {
    if (call !== el.__call) return;
    const figure = payload.figure;
    const config = Object.assign({ responsive: true, displaylogo: false }, payload.config || {});
    return Plotly.react(el, figure.data || [], figure.layout || {}, config).then(() => {
      if (payload.select && !el.__bound) {
        el.__bound = true;
        // With clickmode "event+select" a click fires both events; Streamlit sends one
        // rerun request for them (counted at the WebSocket in headless Chromium).
        const report = (event) => el.__report("selection", selectionOf(event));
        el.on("plotly_click", report);
        el.on("plotly_selected", (event) => event && report(event));
        el.on("plotly_deselect", () => report(null));
      }
    });
  }).catch((err) => {
    if (call !== el.__call) return;
    if (window.Plotly) window.Plotly.purge(el);
    el.__bound = false;
    el.textContent = "The chart could not be drawn: " + err.message;
    console.error(err);
  });
  return () => {
    if (call !== el.__call) return;  // a newer call owns the chart now
    el.__bound = false;
    if (window.Plotly) window.Plotly.purge(el);
  };
}
