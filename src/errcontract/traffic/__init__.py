"""Recorded traffic, read: HAR files, vcrpy cassettes and JSON Lines of exchanges, each entry a
`Recorded` value (or a `Skipped` one saying why it cannot be judged), credentials scrubbed on the
way in, and routed to the provider whose contract knows its host and base path.

This package reads and routes; it judges nothing (`errcontract.observe` hands each exchange to the
same judge a run uses).
"""
