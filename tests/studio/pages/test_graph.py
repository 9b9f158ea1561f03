"""Graph page: the neighbourhood of a diagnosis drawn with taxonomy and DDx coloured by status."""

from __future__ import annotations

from studio import state
from studio.components.graph import STATUS_STYLE, neighbourhood, to_dot
from tests.studio.conftest import open_app
from tests.studio.findings_graph import add_findings


def test_the_neighbourhood_shows_parents_children_and_ddx_by_status(studio_env, read_store):
    read_store.review(studio_env["ids"]["melanoma-naevus"], "accept", user="cleo")
    nb = neighbourhood(read_store, "melanoma", depth=1)
    edges = {(e.kind, e.subject, e.object, e.status) for e in nb.edges}
    assert ("is_a", "melanoma", "melanocytic", "accepted") in edges
    assert ("is_a", "melanocytic", "skin-lesion", "accepted") in edges  # the chain up to the root
    assert ("ddx", "melanoma", "naevus", "accepted") in edges
    assert ("ddx", "melanoma", "seb-k", "proposed") in edges
    accepted_only = neighbourhood(read_store, "melanoma", depth=1, statuses=("accepted",))
    assert "seb-k" not in accepted_only.nodes


def test_dot_colours_edges_by_status_and_escapes_names():
    from studio.components.graph import GraphEdge, Neighbourhood

    nb = Neighbourhood(
        center="a",
        nodes=["a", "b"],
        edges=[GraphEdge(kind="ddx", subject="a", object="b", status="proposed", score=0.5)],
    )
    dot = to_dot(nb, {"a": 'Naevus "of Ota"', "b": "B\\C"}, {"a": "benign"})
    assert 'label="Naevus \\"of Ota\\""' in dot and 'label="B\\\\C"' in dot
    assert f'color="{STATUS_STYLE["proposed"][0]}", style=dashed' in dot and "dir=none" in dot


def test_graph_page_renders_the_chart_for_the_chosen_diagnosis(studio_env):
    at = open_app("vic", "pages/graph.py")
    at.selectbox(key=state.G_PICK).set_value("melanoma").run()
    chart = at.get("graphviz_chart")[0]
    assert '"melanoma" -> "melanocytic"' in chart.proto.spec
    at.toggle(key=state.G_PROPOSED).set_value(False).run()
    assert '"seb-k"' not in at.get("graphviz_chart")[0].proto.spec


def test_finding_edges_stay_out_of_the_diagnosis_graph(studio_env, read_store):
    add_findings(read_store)
    nb = neighbourhood(read_store, "melanoma", depth=2, statuses=("accepted", "proposed"))
    assert not [e for e in nb.edges if e.kind == "finding"]
    assert not [n for n in nb.nodes if n.startswith("fnd-")]
    at = open_app("vic", "pages/graph.py")
    at.selectbox(key=state.G_PICK).set_value("melanoma").run()
    assert not at.exception
    assert "fnd-" not in at.get("graphviz_chart")[0].proto.spec
