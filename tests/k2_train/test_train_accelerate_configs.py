"""The shipped accelerate configs, read by accelerate's own config loader and DeepSpeed's config class.

They need GPUs to run; here every key is checked by the code that reads it at launch.
"""

from __future__ import annotations

import pytest
from accelerate.commands.config.config_args import ClusterConfig, load_config_from_file

from k2_core.recipes import load_recipe
from k2_train.cli import ACCELERATE_DIR

CONFIGS = sorted(path.stem for path in ACCELERATE_DIR.glob("*.yaml"))


def test_the_three_documented_configs_ship():
    assert CONFIGS == ["fsdp", "zero3", "zero3-multinode"]


@pytest.mark.parametrize("name", CONFIGS)
def test_accelerate_reads_every_key(name):
    config = load_config_from_file(str(ACCELERATE_DIR / f"{name}.yaml"))  # unknown keys: ValueError
    assert isinstance(config, ClusterConfig)
    assert config.num_processes == 8 * config.num_machines  # 8 GPUs per node
    assert config.mixed_precision == "bf16" and not config.use_cpu


def test_a_misspelled_key_is_refused_by_accelerate(tmp_path):
    text = (ACCELERATE_DIR / "zero3.yaml").read_text().replace("num_machines", "num_machine")
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(ValueError, match="num_machine"):
        load_config_from_file(str(tmp_path / "bad.yaml"))


def test_the_fsdp_config_is_fsdp2_with_full_state_dicts():
    config = load_config_from_file(str(ACCELERATE_DIR / "fsdp.yaml"))
    assert config.distributed_type == "FSDP"
    assert config.fsdp_config["fsdp_version"] == 2
    # `trainer.save_model` then writes one consolidated model.safetensors that k2-infer loads
    assert config.fsdp_config["fsdp_state_dict_type"] == "FULL_STATE_DICT"


@pytest.mark.parametrize("name", ["zero3", "zero3-multinode"])
def test_deepspeed_accepts_the_zero3_configs(name):
    """accelerate turns the yaml into a DeepSpeed config; DeepSpeed's own class validates it."""
    from accelerate.utils import DeepSpeedPlugin
    from deepspeed.runtime.config import DeepSpeedConfig

    config = load_config_from_file(str(ACCELERATE_DIR / f"{name}.yaml"))
    assert config.distributed_type == "DEEPSPEED"
    settings = {
        k: v for k, v in config.deepspeed_config.items() if k != "deepspeed_multinode_launcher"
    }
    plugin = DeepSpeedPlugin(**settings)
    sft = load_recipe("k2-think-sft").section("sft")
    micro, accumulation = sft["per_device_train_batch_size"], sft["gradient_accumulation_steps"]
    ds = dict(plugin.deepspeed_config)  # "auto" values are filled in by the Trainer at launch
    ds.update(
        train_micro_batch_size_per_gpu=micro,
        gradient_accumulation_steps=accumulation,
        train_batch_size=micro * accumulation,  # one process here: DeepSpeed sees world size 1
        bf16={"enabled": sft["bf16"]},
        gradient_clipping=1.0,
    )
    checked = DeepSpeedConfig(ds)
    assert checked.zero_optimization_stage == 3
    assert checked.zero_config.gather_16bit_weights_on_model_save  # a loadable final model
    assert checked.bfloat16_config.enabled
