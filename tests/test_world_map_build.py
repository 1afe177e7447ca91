"""scripts/build_world_map.py: the TopoJSON decoding and the antimeridian cut that
the committed world map depends on (the script itself is run by hand)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "build_world_map.py"
spec = importlib.util.spec_from_file_location("build_world_map", SCRIPT)
build_world_map = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_world_map)


def test_arcs_are_decoded_from_quantized_deltas():
    topology = {
        "transform": {"scale": [0.5, 2], "translate": [-180, -90]},
        "arcs": [[[0, 0], [4, 0], [0, 3], [-2, -1]]],
    }
    assert build_world_map.decode_arcs(topology) == [
        [(-180, -90), (-178, -90), (-178, -84), (-179, -86)]
    ]


def test_a_ring_reversed_arc_is_walked_backwards_without_repeating_joins():
    arcs = [[(0, 0), (1, 0), (1, 1)], [(0, 1), (1, 1)]]
    # ~1 is arc 1 reversed: (1, 1) -> (0, 1); the shared point appears once.
    assert build_world_map.ring_points([0, ~1], arcs) == [
        (0, 0),
        (1, 0),
        (1, 1),
        (0, 1),
    ]


def test_a_ring_across_the_antimeridian_is_cut_into_two_pieces():
    ring = [(170, 0), (-170, 0), (-170, 10), (170, 10)]
    pieces = build_world_map.split_at_antimeridian(ring)
    assert len(pieces) == 2
    spans = sorted((min(x for x, _ in p), max(x for x, _ in p)) for p in pieces)
    assert spans == [(-180, -170), (170, 180)]


def test_path_data_is_relative_and_rounded_to_one_decimal():
    ring = [(10.04, 20.0), (12.56, 20.0), (12.56, 17.5)]
    assert build_world_map.path_data([ring]) == "M10 20l2.6 0 0-2.5z"
