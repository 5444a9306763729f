"""The rls_security rule registry (explicit, ordered by code)."""

from __future__ import annotations

from agents.rls_security.rules._base import RlsRule
from agents.rls_security.rules.always_true_policy import AlwaysTruePolicy
from agents.rls_security.rules.auth_users_exposed import AuthUsersExposed
from agents.rls_security.rules.broad_grant import BroadGrant
from agents.rls_security.rules.definer_reads_vault_secret import DefinerReadsVaultSecret
from agents.rls_security.rules.definer_rpc_without_authz import DefinerRpcWithoutAuthz
from agents.rls_security.rules.definer_search_path import DefinerSearchPath
from agents.rls_security.rules.extension_in_public import ExtensionInPublic
from agents.rls_security.rules.identity_wrong_column import IdentityWrongColumn
from agents.rls_security.rules.insert_policy_without_check import InsertPolicyWithoutCheck
from agents.rls_security.rules.membership_self_insert import MembershipSelfInsert
from agents.rls_security.rules.null_uid_bypass import NullUidBypass
from agents.rls_security.rules.policy_without_rls import PolicyWithoutRls
from agents.rls_security.rules.policy_without_role import PolicyWithoutRole
from agents.rls_security.rules.public_bucket import PublicBucket
from agents.rls_security.rules.rls_bypass_granted import RlsBypassGranted
from agents.rls_security.rules.rls_disabled import RlsDisabled
from agents.rls_security.rules.rls_enabled_no_policy import RlsEnabledNoPolicy
from agents.rls_security.rules.role_only_guard import RoleOnlyGuard
from agents.rls_security.rules.rpc_unvalidated_amount import RpcUnvalidatedAmount
from agents.rls_security.rules.secret_literal import SecretLiteral
from agents.rls_security.rules.security_definer_view import SecurityDefinerView
from agents.rls_security.rules.security_state_regressed import SecurityStateRegressed
from agents.rls_security.rules.self_update_privileged_columns import SelfUpdatePrivilegedColumns
from agents.rls_security.rules.sql_does_not_parse import SqlDoesNotParse
from agents.rls_security.rules.storage_policy_bucket_only import StoragePolicyBucketOnly
from agents.rls_security.rules.table_queried_not_granted import TableQueriedNotGranted
from agents.rls_security.rules.table_without_rls import TableWithoutRls
from agents.rls_security.rules.uncorrelated_subquery import UncorrelatedSubquery
from agents.rls_security.rules.unprotected_relation_in_api import UnprotectedRelationInApi
from agents.rls_security.rules.update_policy_other_party import UpdatePolicyOtherParty
from agents.rls_security.rules.user_metadata_authorisation import UserMetadataAuthorisation

RULES: tuple[type[RlsRule], ...] = (
    SqlDoesNotParse,
    TableWithoutRls,
    RlsDisabled,
    PolicyWithoutRls,
    RlsEnabledNoPolicy,
    AlwaysTruePolicy,
    PolicyWithoutRole,
    InsertPolicyWithoutCheck,
    SelfUpdatePrivilegedColumns,
    NullUidBypass,
    UserMetadataAuthorisation,
    RoleOnlyGuard,
    SecurityDefinerView,
    AuthUsersExposed,
    UnprotectedRelationInApi,
    DefinerSearchPath,
    DefinerRpcWithoutAuthz,
    RpcUnvalidatedAmount,
    BroadGrant,
    PublicBucket,
    StoragePolicyBucketOnly,
    SecretLiteral,
    ExtensionInPublic,
    UncorrelatedSubquery,
    MembershipSelfInsert,
    UpdatePolicyOtherParty,
    IdentityWrongColumn,
    RlsBypassGranted,
    DefinerReadsVaultSecret,
    SecurityStateRegressed,
    TableQueriedNotGranted,
)
