"""`k2-infer eval-compare` weighs two recipes as accuracy against tokens spent: a table with the
tokens every sample generated (all candidates, from the pipeline's bill) and a PNG plot."""

import json

from click.testing import CliRunner

from k2_core import Problem, hookimpl
from k2_infer.cli import cli
from k2_infer.eval.compare import spent

# cut at the recipe's stop string, three words: three fake tokens
REPLY = "<think>one two</think> <answer>\\boxed{2}</answer>"


class Twos:
    name, domain = "twos", "math"

    def load(self, data=None, limit=None):
        return [Problem(f"t{i}", f"What is {i} + {i}?", ground_truth=str(2 * i)) for i in (1, 2)]


class TwosPlugin:
    @hookimpl
    def k2_register_benchmarks(register):
        register("twos", Twos)


def recipe(tmp_path, name, n):
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f'name = "{name}"\nextends = "k2-think"\n[sampling]\nmax_tokens = 50\n'
        f'[pipeline]\nplanner = "none"\nn = {n}\nselector = "majority"\n'
    )
    return str(path)


def run_eval(tmp_path, name, n):
    out = tmp_path / name
    args = ["eval", "twos", "--backend", "fake", "--n", "2", "-o", str(out), "--pipeline", "k2"]
    done = CliRunner().invoke(cli, [*args, "--recipe", recipe(tmp_path, name, n)])
    assert done.exit_code == 0, done.output
    return out


def test_two_recipes_compared_as_accuracy_against_tokens(tmp_path, monkeypatch, k2_plugin):
    k2_plugin(TwosPlugin)
    monkeypatch.setenv("K2_FAKE_REPLIES", json.dumps(REPLY))
    one, three = run_eval(tmp_path, "best-of-1", 1), run_eval(tmp_path, "best-of-3", 3)
    png = tmp_path / "plots" / "tokens.png"
    done = CliRunner().invoke(cli, ["eval-compare", str(one), str(three), "--plot", str(png)])
    assert done.exit_code == 0, done.output
    header, row, legend = done.output.splitlines()[:3]
    assert "spent A" in header and "spent B" in header
    cells = row.split()
    assert cells[0] == "twos" and cells[-3:] == ["3", "9", "3.00x"]  # three candidates cost 3x
    assert "A = best-of-1, B = best-of-3" in legend
    assert png.read_bytes()[:4] == b"\x89PNG"
    shown = CliRunner().invoke(cli, ["eval-compare", str(one), str(three), "--json"]).output
    [delta] = json.loads(shown)["deltas"]
    assert (delta["spent_a"], delta["spent_b"], delta["spent_ratio"]) == (3, 9, 3)


def test_a_plain_sample_spends_its_answer_and_a_pipeline_sample_its_whole_bill():
    assert spent({"completion_tokens": 7}) == 7
    usage = {"solver": {"completion_tokens": 30}, "judge": {"completion_tokens": 4}}
    assert spent({"completion_tokens": 10, "usage": usage}) == 34
