"""Recipes: named TOML files of settings, with CLI flags layered on top.

A recipe has sections (`[sampling]`, `[pipeline]`, `[eval]`, `[sft]`, `[grpo]`, ...), each a flat
table. Packages read the sections they understand. A recipe may start from another one with
`extends = "k2-think"`: its sections are merged over the base's, key by key. `load_recipe("k2-think")` finds a registered
recipe by name (see the `k2_register_recipes` hook); a path to a `.toml` file works too.

A `system_prompt` setting is either the prompt's text or `{ name = "k2" }`, which names a prompt
owned by `k2_core.replies.PROMPTS`; it is read as that prompt's text, so readers always get a string.

    recipe = load_recipe("k2-think").override("pipeline", n=8, selector=None)  # None = keep
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import RecipeError
from .replies import PROMPTS

BUILTIN_DIR = Path(__file__).parent / "recipe_files"


@dataclass
class Recipe:
    name: str
    description: str = ""
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = ""

    def section(self, name: str) -> dict[str, Any]:
        """A copy of one section (empty if the recipe has none)."""
        return copy.deepcopy(self.sections.get(name, {}))

    def override(self, section: str, **values: Any) -> Recipe:
        """A new recipe with `values` set in `section`; `None` values are left as they were.

        A key the section does not have is an error, so a misspelled flag never passes silently.
        """
        current = self.sections.get(section, {})
        unknown = [k for k, v in values.items() if v is not None and k not in current]
        if unknown:
            raise RecipeError(
                f"recipe {self.name!r} has no setting {section}.{unknown[0]}",
                f"settings in [{section}]: {', '.join(sorted(current)) or 'none'}",
            )
        sections = copy.deepcopy(self.sections)
        sections.setdefault(section, {}).update({k: v for k, v in values.items() if v is not None})
        return Recipe(self.name, self.description, sections, self.source)


def read_recipe(path: str | Path, _extending: tuple[str, ...] = ()) -> Recipe:
    """Read a recipe file. Top-level `name` and `description` keys; every table is a section.
    Every way a file can be wrong (missing, not UTF-8, not TOML, an `extends` loop) is one
    `RecipeError` line."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(f"recipe file {str(path)!r} not found", "check the path") from None
    except UnicodeDecodeError as exc:
        raise RecipeError(
            f"recipe {str(path)!r} is not UTF-8 text (byte {exc.start})", "save it as UTF-8"
        ) from None
    except OSError as exc:
        raise RecipeError(
            f"cannot read recipe {str(path)!r}: {exc.strerror}", "check the path"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(
            f"recipe {str(path)!r} is not valid TOML ({exc})", "fix the file"
        ) from None
    sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    if "extends" in data:
        key = str(path.resolve())
        if key in _extending:
            raise RecipeError(
                f"recipe {str(path)!r} extends itself through {data['extends']!r}",
                "break the `extends` loop",
            )
        base = _load(str(data["extends"]), (*_extending, key))
        _check_types(sections, base, path)
        sections = {
            name: {**base.sections.get(name, {}), **sections.get(name, {})}
            for name in {*base.sections, *sections}
        }
    for section in sections.values():
        if "system_prompt" in section:
            section["system_prompt"] = _prompt_text(section["system_prompt"], path)
    return Recipe(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        sections=sections,
        source=str(path),
    )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return {str: "text", list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _check_types(sections: dict[str, dict[str, Any]], base: Recipe, path: Path) -> None:
    """Refuse a value whose kind differs from the one the base recipe has for the same key."""
    for name, section in sections.items():
        for key, value in section.items():
            expected = base.sections.get(name, {}).get(key)
            if key == "system_prompt" or expected is None or _kind(value) == _kind(expected):
                continue
            raise RecipeError(
                f"recipe {str(path)!r}: {name}.{key} must be {_kind(expected)}, not {value!r}",
                f"{base.name!r} has {name}.{key} = {expected!r}",
            )


def _prompt_text(value: Any, path: Path) -> str:
    """A `system_prompt` setting as text: literal text, or `{ name = ... }` naming a known prompt."""
    if isinstance(value, str):
        return value
    name = value.get("name") if isinstance(value, dict) and len(value) == 1 else None
    if name not in PROMPTS:
        raise RecipeError(
            f"recipe {str(path)!r}: system_prompt must be text or {{ name = ... }} naming a prompt",
            f"known prompts: {', '.join(sorted(PROMPTS))}",
        )
    return PROMPTS[name]


def load_recipe(name_or_path: str | Path) -> Recipe:
    """A registered recipe by name, or a recipe file by path."""
    return _load(str(name_or_path), ())


def _load(text: str, extending: tuple[str, ...]) -> Recipe:
    if text.endswith(".toml") or Path(text).is_file():
        return read_recipe(text, extending)
    from .registry import get_registry

    registry = get_registry()
    if text not in registry.entries["recipe"]:
        raise RecipeError(
            f"no recipe {text!r}",
            f"known recipes: {', '.join(registry.names('recipe')) or 'none'}; or pass a .toml path",
        )
    return read_recipe(registry.entry("recipe", text).factory, extending)
