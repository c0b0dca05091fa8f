"""Evaluation on a Ray cluster: the run's samples split over Ray tasks, each with its own backend.

    k2-infer eval aime24 --ray auto --ray-tasks 8 -o runs/aime   # the cluster this machine is in
    k2-infer eval aime24 --ray --ray-tasks 2 -o runs/aime        # a local cluster for this run only

    run_eval(settings, runner=RayRunner("auto", tasks=8))

The driver (where `k2-infer eval` runs) loads the problems, resumes its run folder and writes its
`samples.jsonl`, exactly as without Ray. What is left to do is dealt round-robin to `tasks` Ray tasks.
Each task opens its own backend, samples and verifies `--concurrency` samples at a time, and yields
every sample the moment it is verified (a Ray generator); the driver appends each to the log as it
arrives, so a run stopped at any point resumes like any other, with or without Ray.

The problems and the recipe travel with the tasks, so `--data` files need only be on the driver; the
workers need k2-infer and the plugins the run uses (backend, verifiers) installed. A task reserves one
CPU and `gpus` GPUs (for a backend that loads the model inside the task, e.g. `vllm`; none for a
server behind `--base-url`). Needs `pip install 'k2-infer[ray]'`.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k2_core import K2Error, Problem
from k2_core.errors import UnavailableError
from k2_core.recipes import Recipe

if TYPE_CHECKING:
    from .harness import EvalSettings, Evaluation

LOCAL = "local"  # `--ray` without an address: start a cluster on this machine for the run
log = logging.getLogger("k2.infer.eval.ray_runner")


def import_ray() -> Any:
    """The `ray` module, or one line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise UnavailableError(
            "--ray needs Ray, which is not installed", "pip install 'k2-infer[ray]'"
        ) from None
    return ray


@dataclass
class RayRunner:
    """Runs an `Evaluation`'s samples as `tasks` Ray tasks on the cluster at `address` (`auto`, a
    `ray://` client address, or `LOCAL` for a new cluster on this machine)."""

    address: str = LOCAL
    tasks: int = 2
    gpus: float = 0.0

    async def produce(
        self,
        evaluation: Evaluation,
        todo: list[tuple[str, Problem, int]],
        emit: Callable[[dict[str, Any]], None],
    ) -> None:
        """The `Evaluation.produce` of a Ray cluster: `emit` gets each sample as a task yields it."""
        if not todo:
            return
        ray = import_ray()
        started = not ray.is_initialized()
        if started:
            address = None if self.address == LOCAL else self.address
            ray.init(address=address, include_dashboard=False, log_to_driver=False)
        generators = []
        try:
            # Not retried: a retry would sample again what the driver has already logged; a run
            # that fails is resumed by running it again.
            task = ray.remote(sample_task).options(num_cpus=1, num_gpus=self.gpus, max_retries=0)
            problems = ray.put(evaluation.problems)  # sent to the cluster once, shared by tasks
            for part in (todo[i :: self.tasks] for i in range(self.tasks)):
                if part:
                    keys = [(name, str(problem.id), run) for name, problem, run in part]
                    generators.append(
                        task.remote(evaluation.settings, evaluation.recipe, problems, keys)
                    )
            log.info("%d samples in %d Ray tasks", len(todo), len(generators))

            async def drain(generator: Any) -> None:
                async for ref in generator:
                    emit(await ref)

            await asyncio.gather(*(drain(generator) for generator in generators))
        except ray.exceptions.RayTaskError as exc:
            if isinstance(exc.cause, K2Error):  # a failure of the run itself: one line
                raise exc.cause from None
            raise
        finally:
            for generator in generators:
                ray.cancel(generator)  # the others, when one failed (a no-op for finished ones)
            if started:
                ray.shutdown()


def sample_task(
    settings: EvalSettings,
    recipe: Recipe,
    problems: dict[str, list[Problem]],
    keys: list[tuple[str, str, int]],
) -> Iterator[dict[str, Any]]:
    """One Ray task: sample and verify `keys` on a backend of its own, yielding each sample when it
    is verified. The sampling runs on an event loop in a thread of its own, handing samples over a
    queue, since a Ray generator task is a plain generator."""
    from .harness import Evaluation

    evaluation = Evaluation(settings, problems=problems, recipe=recipe)
    by_id = {(name, str(p.id)): p for name, group in problems.items() for p in group}
    todo = [(name, by_id[(name, problem_id)], run) for name, problem_id, run in keys]
    finished: queue.Queue = queue.Queue()
    end = object()

    def sample_all() -> None:
        try:
            asyncio.run(evaluation.produce(todo, finished.put))
        except BaseException as exc:  # handed to the generator, which raises it in the task
            finished.put(exc)
        else:
            finished.put(end)

    threading.Thread(target=sample_all, name="k2-eval-task", daemon=True).start()
    while (item := finished.get()) is not end:
        if isinstance(item, BaseException):
            raise item
        yield item
