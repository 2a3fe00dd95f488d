"""Shared test configuration: Hypothesis profiles.

``CI`` set in the environment (as ``.ci/run`` does) loads the derandomized ``ci`` profile, so
a CI run is reproducible; otherwise ``dev`` keeps Hypothesis's random search. Neither has a
deadline: the first call of a vectorized numpy path can be slow for reasons unrelated to the
code under test.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
