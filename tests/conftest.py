"""Settings shared by the whole suite."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Shared 2-core machines: no per-example deadline (timing is measured by bench/, not by tests).
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow],
                          print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
