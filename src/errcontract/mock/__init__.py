"""Reference mock servers: faithful providers built from their contracts, plus named drifts.

`app.build_app` makes the ASGI app; `server.serve_in_thread` and `process.running_mock` run it;
`drifts.drifts_for` lists the ways a provider can be made to stray from its docs.
"""
