"""Every built-in sampler passes k2-core's SamplerContract (the one third-party samplers subclass);
the deepconf ones on replies of mixed confidence, so some candidates are dropped or stopped."""

from k2_core.testing.contracts import SamplerContract

MIXED = ["sure " * 6 + "<answer>4</answer>"] * 2 + ["weak " * 30 + "<answer>5</answer>"] * 4


def mixed_logprob(text: str) -> float:
    return -3.0 if text.startswith("sure") else -0.5


class TestSingle(SamplerContract):
    sampler_name = "single"


class TestBestOfN(SamplerContract):
    sampler_name = "best-of-n"
    options = {"n": 3}


class TestBestOfNSplit(SamplerContract):
    sampler_name = "best-of-n"
    options = {"n": 3, "split": True}


class TestDeepConfOffline(SamplerContract):
    sampler_name = "deepconf-offline"
    options = {"n": 6, "keep": 0.3, "window": 4}
    replies = MIXED
    logprob = staticmethod(mixed_logprob)

    def test_the_least_confident_are_dropped(self):
        candidates = self.sample()
        assert [c.stopped is None for c in candidates] == [True] * 2 + [False] * 4


class TestDeepConfOnline(SamplerContract):
    sampler_name = "deepconf-online"
    options = {"n": 6, "warmup": 2, "keep": 0.9, "window": 4}
    replies = MIXED
    logprob = staticmethod(mixed_logprob)

    def test_unsure_traces_are_stopped_mid_generation(self):
        stopped = [c for c in self.sample() if c.completion.finish_reason == "cancelled"]
        assert len(stopped) == 4
        assert all(c.completion.usage.completion_tokens == 4 for c in stopped)


class TestAdaptive(SamplerContract):
    sampler_name = "adaptive"
    options = {"n": 8, "wave": 2}
