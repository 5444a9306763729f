"""The edge_reliability rule registry (explicit, in code order).

Codes are stable and never reused: ``EDGE0xx`` for the rules, ``TS001`` for a
file that does not parse.
"""

from __future__ import annotations

from agents.edge_reliability.context import EdgeContext
from agents.edge_reliability.rules.caller_chosen_fetch_host import CallerChosenFetchHost
from agents.edge_reliability.rules.catch_answers_success import CatchAnswersSuccess
from agents.edge_reliability.rules.error_details_in_response import ErrorDetailsInResponse
from agents.edge_reliability.rules.fetch_without_timeout import FetchWithoutTimeout
from agents.edge_reliability.rules.floating_promise import FloatingPromise
from agents.edge_reliability.rules.missing_cors_preflight import MissingCorsPreflight
from agents.edge_reliability.rules.raw_sql_interpolated import RawSqlInterpolated
from agents.edge_reliability.rules.request_body_written_unvalidated import (
    RequestBodyWrittenUnvalidated,
)
from agents.edge_reliability.rules.request_state_at_module_scope import (
    RequestStateAtModuleScope,
)
from agents.edge_reliability.rules.response_without_cors import ResponseWithoutCors
from agents.edge_reliability.rules.secret_exposed import SecretExposed
from agents.edge_reliability.rules.sensitive_data_logged import SensitiveDataLogged
from agents.edge_reliability.rules.service_role_trusts_request_identity import (
    ServiceRoleTrustsRequestIdentity,
)
from agents.edge_reliability.rules.supabase_error_ignored import SupabaseErrorIgnored
from agents.edge_reliability.rules.ts_syntax_error import TsSyntaxError
from agents.edge_reliability.rules.unhandled_exception import UnhandledException
from agents.edge_reliability.rules.unpinned_import import UnpinnedImport
from agents.edge_reliability.rules.unsigned_webhook_write import UnsignedWebhookWrite
from agents.edge_reliability.rules.unvalidated_input_in_filter import UnvalidatedInputInFilter
from agents.edge_reliability.rules.unverified_jwt_trusted import UnverifiedJwtTrusted
from agents.edge_reliability.rules.user_metadata_authorization import UserMetadataAuthorization
from agents.edge_reliability.rules.verify_jwt_off_without_auth import VerifyJwtOffWithoutAuth
from agents.rules import Rule

RULES: tuple[type[Rule[EdgeContext]], ...] = (
    TsSyntaxError,
    MissingCorsPreflight,
    ResponseWithoutCors,
    RequestStateAtModuleScope,
    FetchWithoutTimeout,
    FloatingPromise,
    SupabaseErrorIgnored,
    ErrorDetailsInResponse,
    UnhandledException,
    ServiceRoleTrustsRequestIdentity,
    VerifyJwtOffWithoutAuth,
    SecretExposed,
    RequestBodyWrittenUnvalidated,
    SensitiveDataLogged,
    UnpinnedImport,
    UserMetadataAuthorization,
    UnvalidatedInputInFilter,
    CatchAnswersSuccess,
    CallerChosenFetchHost,
    UnverifiedJwtTrusted,
    UnsignedWebhookWrite,
    RawSqlInterpolated,
)
