"""Reports built from a run's results.json: the provider page, the site index, the badge, the diff.

Everything here reads the results file only (never the contract or the target), so a report can
be rebuilt, compared or published long after the run, on a machine that has no keys.
"""

from errcontract.report.badge import badge_svg
from errcontract.report.html import write_provider_report
from errcontract.report.results import load_results
from errcontract.report.site import write_site_index

__all__ = ["badge_svg", "load_results", "write_provider_report", "write_site_index"]
