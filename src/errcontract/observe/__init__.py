"""Judging traffic nobody sent on purpose: recorded files (`errcontract judge`), a reverse proxy
(`errcontract proxy`), an httpx transport and a pytest fixture for users' own suites.

Every response goes through the same judge a run uses (`judge.judged.judge`, the checks, the
Recorder, `results.build_results`), one Recorder per target (a host and its API prefix), and is
published as the same report set: a folder per target and one index beside them.
"""
