"""Recipes: the built-in k2-think settings, overrides, and errors."""

import pytest

from k2_core import RecipeError, hookimpl
from k2_core.recipes import load_recipe


def test_k2_think_holds_the_report_settings():
    recipe = load_recipe("k2-think")
    sampling = recipe.section("sampling")
    assert sampling == {
        "max_tokens": 64000,
        "temperature": 1.0,
        "top_p": 0.95,
        "stop": ["</answer>"],
    }
    pipeline = recipe.section("pipeline")
    assert pipeline["n"] == 3 and pipeline["planner"] == "k2"
    assert "<think>" in pipeline["system_prompt"] and "<answer>" in pipeline["system_prompt"]
    assert recipe.section("eval")["n"] == 16


def test_override_sets_values_and_keeps_none():
    recipe = load_recipe("k2-think").override("pipeline", n=8, selector=None)
    assert recipe.section("pipeline")["n"] == 8
    assert recipe.section("pipeline")["selector"] == "tournament"
    assert load_recipe("k2-think").section("pipeline")["n"] == 3, "original unchanged"


def test_override_of_unknown_setting_is_refused():
    with pytest.raises(RecipeError, match="no setting pipeline.nn"):
        load_recipe("k2-think").override("pipeline", nn=8)


def test_unknown_recipe_lists_known_ones():
    with pytest.raises(RecipeError, match="known recipes: .*k2-think"):
        load_recipe("k3-think")


def test_recipe_from_file_and_bad_toml(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('name = "mine"\n[pipeline]\nn = 5\n')
    assert load_recipe(good).section("pipeline") == {"n": 5}
    bad = tmp_path / "bad.toml"
    bad.write_text("[pipeline\nn = 5\n")
    with pytest.raises(RecipeError, match="not valid TOML"):
        load_recipe(bad)


def test_plugins_register_recipes(k2_plugin, tmp_path):
    path = tmp_path / "plugged.toml"
    path.write_text('name = "plugged"\ndescription = "from a plugin"\n[sampling]\nmax_tokens = 7\n')

    class Recipes:
        @hookimpl
        def k2_register_recipes(self, register):
            register("plugged", path)

    k2_plugin(Recipes(), name="recipes")
    assert load_recipe("plugged").section("sampling") == {"max_tokens": 7}


def test_a_recipe_extends_another_key_by_key(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(
        'name = "small"\nextends = "k2-think"\n[sampling]\nmax_tokens = 64\n[extra]\nx = 1\n'
    )
    recipe = load_recipe(path)
    assert recipe.section("sampling")["max_tokens"] == 64
    assert recipe.section("sampling")["stop"] == ["</answer>"], "the rest comes from the base"
    assert recipe.section("pipeline") == load_recipe("k2-think").section("pipeline")
    assert recipe.section("extra") == {"x": 1}
