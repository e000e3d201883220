'use strict';
// The traces the app draws (lib/: go.Scatter, add_bar, add_box, go.Heatmap); scatter comes with
// the core, as do the components (legend, hover, modebar, shapes, annotations, colorbar).
// A figure with another trace type would draw nothing (tests/app/test_chart_library.py
// checks every chart the pages send): add its module here, rename the file, rebuild.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/box'),
    require('plotly.js/lib/heatmap'),
]);

module.exports = Plotly;
