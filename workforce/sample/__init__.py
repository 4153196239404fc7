"""The synthetic sample district: a generator (plain data, no database) and its bulk loader.

>>> district = generate_district(teachers=3400, seed=2021)
>>> load_district(session, district)  # doctest: +SKIP
"""

from workforce.sample.district import SampleError, generate_district
from workforce.sample.loader import load_district
from workforce.sample.records import District

__all__ = ["District", "SampleError", "generate_district", "load_district"]
