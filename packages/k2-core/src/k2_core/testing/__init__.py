"""What plugin authors need to test against k2.

- `FakeBackend`: a scripted backend (also registered as backend `fake`).
- `k2_core.testing.contracts`: `VerifierContract`, `BackendContract`, `SamplerContract`,
  `SelectorContract`, ...
- pytest fixtures, available automatically once k2-core is installed: `k2_plugin` (register an
  in-test plugin, removed afterwards), `fake_backend`, `k2_home` (a temporary k2 home folder).
"""

from .fake_backend import FakeBackend

__all__ = ["FakeBackend"]
