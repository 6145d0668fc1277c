"""The cortex.yaml spec: models, validation with exact error locations, and the catalog.

Pure: this package never imports pulumi (a test enforces it).
"""

from cortex_spec.errors import CortexError, Location, Problem, ProvisionError, SpecError, StateError
from cortex_spec.loader import Spec, load_spec

__all__ = [
    "CortexError",
    "Location",
    "Problem",
    "ProvisionError",
    "Spec",
    "SpecError",
    "StateError",
    "load_spec",
]
