"""The checker's own tests, with two independent implementations of SPEC.md (duck.py, lazy.py)."""

__spatial_protocol__ = "1.2"  # the implementations here declare the version they implement (SA-15.1)
