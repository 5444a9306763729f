"""The schema_performance rule registry.

``RULES`` are the SQL rules (run on each changed SQL file's ``PerfContext``);
``TS_RULES`` are TypeScript rules (N+1 queries in Edge Functions, PERF020),
run with ``agents.ts.context.ts_context_for``.  Codes are stable and never
reused: PERF0xx for performance, MIG0xx for migration safety.
"""

from __future__ import annotations

from typing import Any

from agents.rules import Rule
from agents.schema_performance.context import PerfContext
from agents.schema_performance.rules.applied_migration_edited import AppliedMigrationEdited
from agents.schema_performance.rules.auth_function_per_row import AuthFunctionPerRow
from agents.schema_performance.rules.breaking_rename_or_drop import BreakingRenameOrDrop
from agents.schema_performance.rules.column_add_rewrites_table import ColumnAddRewritesTable
from agents.schema_performance.rules.column_type_change import ColumnTypeChange
from agents.schema_performance.rules.concurrently_in_transaction import ConcurrentlyInTransaction
from agents.schema_performance.rules.constraint_without_not_valid import ConstraintWithoutNotValid
from agents.schema_performance.rules.drop_or_reindex_without_concurrently import (
    DropOrReindexWithoutConcurrently,
)
from agents.schema_performance.rules.duplicate_index import DuplicateIndex
from agents.schema_performance.rules.enum_value_used_in_same_transaction import (
    EnumValueUsedInSameTransaction,
)
from agents.schema_performance.rules.float_for_money import FloatForMoney
from agents.schema_performance.rules.foreign_key_without_index import ForeignKeyWithoutIndex
from agents.schema_performance.rules.full_table_backfill import FullTableBackfill
from agents.schema_performance.rules.index_without_concurrently import IndexWithoutConcurrently
from agents.schema_performance.rules.integer_primary_key import IntegerPrimaryKey
from agents.schema_performance.rules.missing_lock_timeout import MissingLockTimeout
from agents.schema_performance.rules.multiple_permissive_policies import MultiplePermissivePolicies
from agents.schema_performance.rules.policy_column_not_indexed import PolicyColumnNotIndexed
from agents.schema_performance.rules.policy_correlated_subquery import PolicyCorrelatedSubquery
from agents.schema_performance.rules.policy_function_per_row import PolicyFunctionPerRow
from agents.schema_performance.rules.query_in_loop import QueryInLoop
from agents.schema_performance.rules.required_column_without_default import (
    RequiredColumnWithoutDefault,
)
from agents.schema_performance.rules.rls_enabled_without_policies import RlsEnabledWithoutPolicies
from agents.schema_performance.rules.set_not_null import SetNotNull
from agents.schema_performance.rules.table_without_primary_key import TableWithoutPrimaryKey
from agents.schema_performance.rules.timestamp_without_time_zone import TimestampWithoutTimeZone
from agents.schema_performance.rules.transaction_hygiene import TransactionHygiene
from agents.schema_performance.rules.truncate_cascade import TruncateCascade
from agents.schema_performance.rules.unique_constraint_without_index import (
    UniqueConstraintWithoutIndex,
)
from agents.schema_performance.rules.varchar_length_limit import VarcharLengthLimit

RULES: tuple[type[Rule[PerfContext]], ...] = (
    AuthFunctionPerRow,
    PolicyColumnNotIndexed,
    ForeignKeyWithoutIndex,
    PolicyFunctionPerRow,
    PolicyCorrelatedSubquery,
    MultiplePermissivePolicies,
    DuplicateIndex,
    TableWithoutPrimaryKey,
    IntegerPrimaryKey,
    TimestampWithoutTimeZone,
    VarcharLengthLimit,
    FloatForMoney,
    IndexWithoutConcurrently,
    DropOrReindexWithoutConcurrently,
    ConcurrentlyInTransaction,
    ConstraintWithoutNotValid,
    UniqueConstraintWithoutIndex,
    ColumnAddRewritesTable,
    ColumnTypeChange,
    SetNotNull,
    RequiredColumnWithoutDefault,
    RlsEnabledWithoutPolicies,
    BreakingRenameOrDrop,
    TransactionHygiene,
    TruncateCascade,
    MissingLockTimeout,
    EnumValueUsedInSameTransaction,
    FullTableBackfill,
    AppliedMigrationEdited,
)

TS_RULES: tuple[type[Rule[Any]], ...] = (QueryInLoop,)
