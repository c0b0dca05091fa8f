"""`Structured`: one kind of constraint, read from and written as OpenAI's `response_format`."""

from __future__ import annotations

import pytest

from k2_core.errors import InputError
from k2_core.types import GenerationRequest, Message, Structured

SCHEMA = {"type": "object", "properties": {"hard": {"type": "boolean"}}}


def test_exactly_one_kind_is_required():
    with pytest.raises(InputError, match="exactly one kind"):
        Structured()
    with pytest.raises(InputError, match="exactly one kind"):
        Structured(json_schema=SCHEMA, regex="x")
    with pytest.raises(InputError, match="at least one option"):
        Structured(choice=[])


def test_a_request_reads_its_constraint_from_either_spelling():
    request = GenerationRequest([Message("user", "hi")])
    assert request.constraint() is None
    request.response_format = {
        "type": "json_schema",
        "json_schema": {"name": "p", "schema": SCHEMA},
    }
    assert request.constraint() == Structured(json_schema=SCHEMA, name="p")
    request.structured = Structured(choice=["a", "b"])
    assert request.constraint() == Structured(choice=["a", "b"])
    json_object = {"type": "json_object"}
    assert Structured.from_response_format(json_object) == Structured(
        json_schema={"type": "object"}
    )


def test_a_choice_round_trips_through_an_enum_schema():
    choice = Structured(choice=["yes", "no"])
    schema = choice.response_format()["json_schema"]["schema"]
    assert schema["properties"]["choice"]["enum"] == ["yes", "no"]
    assert choice.read_choice('{"choice": "yes"}') == "yes"
    assert choice.read_choice('{"choice": "maybe"}') == '{"choice": "maybe"}'
    assert choice.read_choice("not json") == "not json"
    assert Structured(json_schema=SCHEMA).read_choice('{"choice": "yes"}') == '{"choice": "yes"}'
