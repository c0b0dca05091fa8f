"""DeepConf's confidence measures against values worked out by hand."""

import math

import pytest

from k2_core import InputError
from k2_core.types import TokenLogprob
from k2_infer.confidence import (
    GroupMonitor,
    bottom_groups,
    group_confidences,
    lowest_group,
    tail_confidence,
    token_confidence,
    trace_confidence,
)


def test_token_confidence_is_minus_the_mean_of_the_top_logprobs():
    token = TokenLogprob("4", -0.1, {"4": -0.1, "5": -2.3, "6": -3.0})
    assert token_confidence(token) == pytest.approx((0.1 + 2.3 + 3.0) / 3)


def test_token_confidence_without_alternatives_uses_the_chosen_token():
    assert token_confidence(TokenLogprob("x", -0.7)) == pytest.approx(0.7)


def test_infinite_alternatives_are_ignored():
    token = TokenLogprob("a", -1.0, {"a": -1.0, "b": -math.inf})
    assert token_confidence(token) == pytest.approx(1.0)


def test_group_confidences_slide_one_token_at_a_time():
    assert group_confidences([1, 2, 3, 4, 5], window=3) == pytest.approx([2, 3, 4])


def test_a_trace_shorter_than_the_window_is_one_group():
    assert group_confidences([1, 2], window=3) == pytest.approx([1.5])
    assert group_confidences([], window=3) == []


def test_lowest_bottom_and_tail():
    values = [5, 5, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5]
    # windows of 2: 5, 3, 1, 3, 5 x7 -> 11 groups; the bottom 10% is ceil(1.1) = 2 groups: 1 and 3
    assert lowest_group(values, window=2) == pytest.approx(1)
    assert bottom_groups(values, window=2) == pytest.approx(2)
    assert tail_confidence(values, tail=3) == pytest.approx(5)
    assert tail_confidence([2, 4], tail=10) == pytest.approx(3)


def test_trace_confidence_measures():
    tokens = [TokenLogprob(str(i), -v) for i, v in enumerate([4, 2, 6])]
    assert trace_confidence(tokens, "lowest-group", window=2) == pytest.approx(3)
    assert trace_confidence(tokens, "mean") == pytest.approx(4)
    assert trace_confidence(tokens, "tail", window=1) == pytest.approx(6)
    with pytest.raises(InputError):
        trace_confidence(tokens, "median")


def test_group_monitor_stops_once_a_full_window_falls_below_the_threshold():
    monitor = GroupMonitor(threshold=2.0, window=2)
    steps = [monitor(TokenLogprob("t", -v)) for v in [1, 3, 3, 1, 1]]
    # the first window is not full yet; then 2.0, 3.0, 2.0 pass; 1.0 < 2.0 stops
    assert steps == [True, True, True, True, False]
    assert monitor.stopped_at == pytest.approx(1.0)
