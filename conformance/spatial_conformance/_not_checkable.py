"""Clauses no check can verify through the protocol, each with the reason (SPEC.md lists them, generated from here)."""

from __future__ import annotations

from ._registry import not_checkable

__all__: list[str] = []

_DEFINITION = "a definition, not a behaviour: every position check uses it (the checker's oracle is built on it)"

not_checkable("SA-2.1", _DEFINITION)
not_checkable("SA-2.2", _DEFINITION)
not_checkable("SA-2.3", _DEFINITION)
not_checkable("SA-3.1", "defines the extent; the protocol requires no method that reports it (resampling rules use it)")
not_checkable("SA-10.2", "the way to change the tolerance is an implementation's own API (a context manager), "
              "not part of the array protocol; the defaults it sets are checked by SA-10.1")
not_checkable("SA-10.4", "needs an array accepted under a loosened tolerance, which only the implementation's own "
              "tolerance API can make")
not_checkable("SA-13.10", "the classification is an implementation's internal table; the protocol offers no way to "
              "read it (the family behaviour is checked by SA-13.1 to SA-13.9)")
not_checkable("SA-13.11", "needs a function the supported numpy does not have yet: there is none to call")
not_checkable("SA-15.2", "how versions evolve and how a caller compares them: a rule for the spec and its readers, "
              "not a behaviour of an array (the declared version itself is checked by SA-15.1)")
not_checkable("SA-15.5", "defines the levels; the checker implements them (each check runs at its clause's level)")
not_checkable("SA-15.7", "says how a checker reports SHOULD clauses; this checker reports them as advisory")
not_checkable("SA-15.8", "the claim is stated in documentation, which no program can read")

# Chapters about one library's adapters and modules, not about an array a factory makes.
_ADAPTERS = "the checker receives only an array factory; these clauses are verified by the implementing library's own tests"
not_checkable("SA-14.*", "how a library writes arrays to xarray, plots and napari and reads them back: " + _ADAPTERS)
not_checkable("SA-16.*", "a scipy.ndimage drop-in module's functions: " + _ADAPTERS)
not_checkable("SA-17.*", "file readers and writers: " + _ADAPTERS)
not_checkable("SA-18.*", "multiscale images on disk (OME-Zarr): " + _ADAPTERS)
