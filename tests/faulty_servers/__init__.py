"""Real misbehaving HTTP targets on 127.0.0.1 sockets, for the robustness tests.

- `loopback`: the raw-bytes `LoopbackServer`, request parsing, response building, refused ports, TLS.
- `vicsee`: the faithful VicSee target (`faithful_vicsee`, `vicsee_answer`) and `DailyLimit`.
- `faults`: scripted faults (never answers, trickles, gateway pages, ...) and `routed` to aim them.
- `command_runs`: the real `errcontract run` in child processes, and `assert_clean` on its output.

Tests import every name from here (`from tests.faulty_servers import X`).
"""

from tests.faulty_servers.command_runs import RunOutcome, assert_clean, run_concurrently, run_errcontract
from tests.faulty_servers.faults import (
    closes_mid_body,
    closes_without_response,
    gateway_page,
    huge_body,
    huge_success,
    is_model_list_request,
    is_task_request,
    json_typed,
    never_answers,
    open_json,
    redirects_to,
    routed,
    trickles_body,
    trickles_head,
    unknown_keys_400,
    web_site,
)
from tests.faulty_servers.loopback import (
    REASON_PHRASES,
    Connection,
    Handler,
    LoopbackServer,
    Request,
    http_response,
    read_request,
    refused_port,
    response_head,
    self_signed_tls,
    split_response,
)
from tests.faulty_servers.vicsee import (
    KNOWN_MODEL,
    RESET_FAR_AWAY,
    BurstLimit,
    DailyLimit,
    VicSeeKeys,
    faithful_vicsee,
    rate_limit_headers,
    vicsee_answer,
    vicsee_error,
)

__all__ = [
    "KNOWN_MODEL",
    "REASON_PHRASES",
    "RESET_FAR_AWAY",
    "BurstLimit",
    "Connection",
    "DailyLimit",
    "Handler",
    "LoopbackServer",
    "Request",
    "RunOutcome",
    "VicSeeKeys",
    "assert_clean",
    "closes_mid_body",
    "closes_without_response",
    "faithful_vicsee",
    "gateway_page",
    "http_response",
    "huge_body",
    "huge_success",
    "is_model_list_request",
    "is_task_request",
    "json_typed",
    "never_answers",
    "open_json",
    "rate_limit_headers",
    "read_request",
    "redirects_to",
    "refused_port",
    "response_head",
    "routed",
    "run_concurrently",
    "run_errcontract",
    "self_signed_tls",
    "split_response",
    "trickles_body",
    "trickles_head",
    "unknown_keys_400",
    "vicsee_answer",
    "vicsee_error",
    "web_site",
]
