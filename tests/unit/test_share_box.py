"""The "Share this view" box: the whole view's link, escaped."""
from lib.highlight import share_link_html, with_query


def test_with_query_keeps_repeated_names_and_encodes_values():
    url = with_query("http://host/attacks", {"outlet": ["Shafaq News", "Maariv"], "q": ["a&b=c"]})
    assert url == "http://host/attacks?outlet=Shafaq+News&outlet=Maariv&q=a%26b%3Dc"


def test_with_query_without_parameters_is_the_bare_url():
    assert with_query("http://host/", {}) == "http://host/"


def test_share_box_escapes_the_link():
    box = share_link_html('http://host/search?q="><script>alert(1)</script>')
    assert "<script>" not in box
    assert 'value="http://host/search?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in box
    assert box.startswith('<input type="text" readonly')
