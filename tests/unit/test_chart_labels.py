"""Point labels sit beside their point, inside the figure and not over one another."""
import plotly.graph_objects as go

from lib.chart_labels import place_labels, text_positions


def test_a_lone_label_goes_above_its_point():
    assert text_positions([(0.5, 0.5, "16 killed (Iraq)")]) == ["top center"]


def test_labels_at_the_edges_lean_inwards():
    label = "29 attacks · 2019-10-01 to 2020-06-15"
    assert text_positions([(0.05, 0.2, label), (0.95, 0.6, label)]) == ["top right", "top left"]


def test_the_second_of_two_labels_at_one_place_goes_below():
    assert text_positions([(0.5, 0.5, "16 killed (Iraq)"), (0.51, 0.5, "16 killed (Iraqi Armed Forces)")]) == ["top center", "bottom center"]


def test_the_higher_point_keeps_the_place_above():
    # listed lower point first: placing goes from the top of the plot down
    assert text_positions([(0.5, 0.45, "6 attacks"), (0.5, 0.5, "5 launches")]) == ["bottom center", "top center"]


def test_labels_far_apart_all_go_above():
    assert text_positions([(0.2, 0.5, "a label"), (0.8, 0.5, "a label"), (0.5, 0.1, "a label")]) == ["top center"] * 3


def test_points_without_text_take_no_room():
    assert text_positions([(0.5, 0.5, ""), (0.5, 0.5, "3 sources")]) == ["top center", "top center"]


def test_every_trace_is_placed_together_and_may_reach_the_margins():
    fig = go.Figure()
    fig.add_scatter(x=["2024-01-29", "2024-08-29"], y=[16, 15], mode="markers+text", text=["16 killed (Iraq)", "15 killed (Islamic State)"])
    fig.add_scatter(x=["2024-02-02"], y=[16], mode="markers+text", text=["16 killed (Iraqi Armed Forces)"])
    fig.add_scatter(x=["2024-10-04"], y=[2], mode="markers", name="no labels")
    place_labels(fig)
    first, second, unlabelled = fig.data
    # Jan 29 and Feb 2 are nearly one place: one label above, one below, both leaning right (the left edge is near)
    assert list(first.textposition) == ["top right", "top center"]
    assert list(second.textposition) == ["bottom right"]
    assert first.cliponaxis is False and second.cliponaxis is False
    assert unlabelled.textposition is None and unlabelled.cliponaxis is None


def test_category_rows_are_read_from_the_axis_order():
    fig = go.Figure()
    fig.add_scatter(x=["2024-01-01", "2024-01-02"], y=["Attack", "Attack"], mode="markers+text", text=["3 sources", "2 sources"])
    fig.add_scatter(x=["2024-01-01"], y=["Statement"], mode="markers+text", text=["4 sources"])
    fig.add_scatter(x=["2020-01-01", "2028-01-01"], y=["Statement", "Statement"], mode="markers")
    fig.update_yaxes(categoryorder="array", categoryarray=["Statement", "Attack"])
    place_labels(fig)
    # the two Attack events are a day apart on an 8-year axis: one label above, one below;
    # the Statement row is far below them, so its label keeps the place above
    assert list(fig.data[0].textposition) == ["top center", "bottom center"]
    assert list(fig.data[1].textposition) == ["top center"]


def test_labels_keep_clear_of_obstacles():
    country = (0.45, 0.55, 0.4625, 0.5375)  # "SYRIA", centred on (0.5, 0.5)
    # the place above would cross the country name: below it goes
    assert text_positions([(0.5, 0.42, "Tower 22")], obstacles=[country]) == ["bottom center"]
    assert text_positions([(0.5, 0.42, "Tower 22")]) == ["top center"]


def test_a_map_keeps_country_names_and_reads_its_own_ranges():
    fig = go.Figure()
    fig.add_scatter(x=[38.5], y=[34.8], text=["SYRIA"], mode="text", name="countries")
    fig.add_scatter(x=[38.5, 44.0], y=[34.3, 33.3], text=["Tower 22", "Baghdad International Airport"], mode="text", name="places")
    fig.update_xaxes(range=[29.0, 45.0])
    fig.update_yaxes(range=[29.0, 38.5])
    place_labels(fig, keep=("countries",))
    countries, places = fig.data
    assert countries.textposition is None and countries.cliponaxis is None  # left as they were
    # Tower 22 is 0.5 degrees under SYRIA: its label goes below; the airport is near the
    # right end of the map's own range (not of its two points) and leans left
    assert list(places.textposition) == ["bottom center", "top left"]


def test_points_it_cannot_place_keep_the_default():
    fig = go.Figure()
    fig.add_scatter(x=["Baghdad", "Erbil"], y=[1, 2], mode="markers+text", text=["a", "b"])
    place_labels(fig)
    assert list(fig.data[0].textposition) == ["top center", "top center"]


def test_crowded_labels_can_be_left_out():
    crowd = [(0.5, 0.5, "Baghdad"), (0.5, 0.5, "Baghdad International Airport"), (0.5, 0.5, "Green Zone"), (0.5, 0.5, "Camp Taji")]
    # one name above the point, one below; leaning left or right would still cover them
    assert text_positions(crowd, hide_crowded=True) == ["top center", "bottom center", None, None]
    assert text_positions(crowd) == ["top center", "bottom center", "top center", "top center"]  # printed over, by default
    fig = go.Figure()
    fig.add_scatter(x=[44.4] * 4, y=[33.3] * 4, text=[c[2] for c in crowd], mode="text", name="places")
    fig.update_xaxes(range=[29.0, 60.0])
    fig.update_yaxes(range=[12.0, 38.0])
    place_labels(fig, hide_crowded=True)
    assert list(fig.data[0].text) == ["Baghdad", "Baghdad International Airport", "", ""]
    assert list(fig.data[0].textposition) == ["top center", "bottom center", "top center", "top center"]


def test_a_label_hemmed_in_by_obstacles_alone_is_still_drawn():
    # country names all around: the place name goes over one of them rather than vanish
    around = [(0.3, 0.7, 0.5, 0.7), (0.3, 0.7, 0.3, 0.5)]
    assert text_positions([(0.5, 0.5, "Nevatim Airbase")], obstacles=around, hide_crowded=True) == ["top center"]


def test_a_map_that_keeps_its_shape_shows_more_longitude_than_it_asks_for():
    fig = go.Figure()
    fig.add_scatter(x=[44.0], y=[33.3], text=["Baghdad International Airport"], mode="text", name="places")
    fig.update_xaxes(range=[29.0, 45.0])
    fig.update_yaxes(range=[29.0, 38.5], scaleanchor="x", scaleratio=1.2)
    fig.update_layout(height=560, margin=dict(t=30, b=10))
    place_labels(fig)
    # Plotly widens the x range to fill the plot (about 27.1-46.9 here): the airport is no
    # longer at the right edge, so its label is centred (without scaleanchor it leans left)
    assert list(fig.data[0].textposition) == ["top center"]
    fig.update_yaxes(scaleanchor=None)
    place_labels(fig)
    assert list(fig.data[0].textposition) == ["top left"]


def test_text_alone_sits_closer_to_its_point_than_beside_a_marker():
    # something 5-10 px above the point: text alone (1 px from its point) would cover it
    # and goes below; beside a 20 px marker the label starts 11 px up, clear of it
    above = (0.4, 0.6, 0.5 + 5 / 263, 0.5 + 10 / 263)
    assert text_positions([(0.5, 0.5, "Tower 22")], obstacles=[above], gaps_px=[1]) == ["bottom center"]
    assert text_positions([(0.5, 0.5, "Tower 22")], obstacles=[above], gaps_px=[11]) == ["top center"]


def test_a_text_size_per_point_is_read_as_the_default():
    fig = go.Figure()
    fig.add_scatter(x=[1, 2], y=[1, 2], mode="text", text=["a", "b"], textfont=dict(size=[10, 12]))
    place_labels(fig)
    assert list(fig.data[0].textposition) == ["top center", "top center"]


def test_marker_sizes_given_as_an_array_set_each_label_apart():
    import numpy as np

    fig = go.Figure()
    fig.add_scatter(x=["2024-01-01", "2024-06-01"], y=[1, 2], mode="markers+text", text=["a", "b"], marker=dict(size=np.array([20, 30])))
    place_labels(fig)
    assert list(fig.data[0].textposition) == ["top center", "top center"]
