"""Diff parsing: every kind of file change a PR can hold."""

from __future__ import annotations

import pytest

from agents.changes import DictTree, FileStatus
from agents.errors import InputError
from pipeline.sources.diff import (
    MODE_ONLY_NOTE,
    NON_UTF8_NOTE,
    RENAME_ONLY_NOTE,
    UNREADABLE_NOTE,
    parse_diff,
    parse_file_patch,
    unquote_path,
)

ADDED = """\
diff --git a/supabase/migrations/1_a.sql b/supabase/migrations/1_a.sql
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/supabase/migrations/1_a.sql
@@ -0,0 +1,3 @@
+create table t (id int);
+alter table t enable row level security;
+-- end
"""

MODIFIED = """\
diff --git a/f.ts b/f.ts
index 1111111..2222222 100644
--- a/f.ts
+++ b/f.ts
@@ -2,3 +2,4 @@ header
 two
-three
+THREE
+three-and-a-half
 four
@@ -10,2 +11,2 @@
 ten
-eleven
+ELEVEN
"""

DELETED = """\
diff --git a/old.sql b/old.sql
deleted file mode 100644
index 1111111..0000000
--- a/old.sql
+++ /dev/null
@@ -1,2 +0,0 @@
-select 1;
-select 2;
"""

RENAMED = """\
diff --git a/a/x.sql b/b/y.sql
similarity index 90%
rename from a/x.sql
rename to b/y.sql
index 1111111..2222222 100644
--- a/a/x.sql
+++ b/b/y.sql
@@ -1,2 +1,2 @@
 select 1;
-select 2;
+select 3;
"""

PURE_RENAME = """\
diff --git a/m/x.sql b/m/y.sql
similarity index 100%
rename from m/x.sql
rename to m/y.sql
"""

BINARY = """\
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..e69de29
Binary files /dev/null and b/logo.png differ
"""

MODE_ONLY = """\
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
"""


def test_added_file_is_complete_and_all_lines_added() -> None:
    [f] = parse_diff(ADDED)
    assert f.path == "supabase/migrations/1_a.sql"
    assert f.status is FileStatus.ADDED
    assert f.old_path is None
    assert f.added_lines == frozenset({1, 2, 3})
    assert f.head_complete is True
    assert (
        f.head_text
        == "create table t (id int);\nalter table t enable row level security;\n-- end\n"
    )


def test_modified_file_reconstructs_head_with_blank_gaps() -> None:
    [f] = parse_diff(MODIFIED)
    assert f.status is FileStatus.MODIFIED
    assert f.old_path == "f.ts"
    assert f.added_lines == frozenset({3, 4, 12})
    assert f.head_complete is False
    assert f.head_text is not None
    lines = f.head_text.splitlines()
    assert lines[1:5] == ["two", "THREE", "three-and-a-half", "four"]
    assert lines[0] == ""  # line 1 is not shown by the diff: blank, but numbering holds
    assert lines[10:12] == ["ten", "ELEVEN"]
    assert len(f.hunks) == 2
    assert f.hunks[0].removed == ((3, "three"),)


def test_head_tree_supplies_full_text() -> None:
    full = "\n".join(f"line {n}" for n in range(1, 13)) + "\n"
    [f] = parse_diff(MODIFIED, head=DictTree({"f.ts": full}))
    assert f.head_text == full
    assert f.head_complete is True


def test_deleted_file_has_no_head() -> None:
    [f] = parse_diff(DELETED)
    assert f.status is FileStatus.DELETED
    assert f.path == "old.sql"
    assert f.head_text is None
    assert f.added_lines == frozenset()


def test_rename_keeps_old_path() -> None:
    [f] = parse_diff(RENAMED)
    assert f.status is FileStatus.RENAMED
    assert f.path == "b/y.sql"
    assert f.old_path == "a/x.sql"
    assert f.added_lines == frozenset({2})


def test_pure_rename_is_noted() -> None:
    [f] = parse_diff(PURE_RENAME)
    assert f.status is FileStatus.RENAMED
    assert (f.path, f.old_path) == ("m/y.sql", "m/x.sql")
    assert RENAME_ONLY_NOTE in f.notes


def test_binary_file_is_flagged_without_text() -> None:
    [f] = parse_diff(BINARY)
    assert f.is_binary is True
    assert f.head_text is None


def test_mode_only_change_is_noted() -> None:
    [f] = parse_diff(MODE_ONLY)
    assert f.path == "run.sh"
    assert f.hunks == ()
    assert MODE_ONLY_NOTE in f.notes


def test_non_utf8_bytes_are_replaced_and_noted() -> None:
    raw = ADDED.encode().replace(b"-- end", b"-- caf\xe9")
    [f] = parse_diff(raw)
    assert f.head_text is not None and "caf\ufffd" in f.head_text
    assert NON_UTF8_NOTE in f.notes


def test_utf8_bytes_are_not_noted() -> None:
    [f] = parse_diff(ADDED.replace("-- end", "-- café").encode())
    assert f.notes == ()
    assert f.head_text is not None and "café" in f.head_text


@pytest.mark.parametrize("text", ["", "\n\n", b""])
def test_empty_diff_is_empty_list(text: str | bytes) -> None:
    assert parse_diff(text) == []


def test_many_files_in_one_diff() -> None:
    files = parse_diff(ADDED + MODIFIED + DELETED + BINARY + MODE_ONLY)
    assert [f.path for f in files] == [
        "supabase/migrations/1_a.sql",
        "f.ts",
        "old.sql",
        "logo.png",
        "run.sh",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "this is not a diff\nat all\n",
        "--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n",  # hunk shorter than its header says
    ],
)
def test_malformed_diff_is_one_line_input_error(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_diff(text)
    assert "\n" not in str(info.value)


def test_github_patch_without_headers() -> None:
    patch = "@@ -1,2 +1,3 @@\n select 1;\n+select 2;\n select 3;"
    f = parse_file_patch("db/q.sql", patch, "modified")
    assert f.status is FileStatus.MODIFIED
    assert f.added_lines == frozenset({2})
    assert f.head_text is not None and f.head_text.splitlines()[1] == "select 2;"


def test_github_patch_added_and_renamed() -> None:
    added = parse_file_patch("n.sql", "@@ -0,0 +1 @@\n+select 1;", "added")
    assert added.status is FileStatus.ADDED and added.head_complete
    renamed = parse_file_patch("new.sql", "@@ -1 +1 @@\n-a\n+b", "renamed", old_path="old.sql")
    assert (renamed.status, renamed.old_path) == (FileStatus.RENAMED, "old.sql")


def test_github_patch_missing_uses_head_tree() -> None:
    f = parse_file_patch("big.sql", None, "modified", head=DictTree({"big.sql": "select 1;\n"}))
    assert f.head_text == "select 1;\n"
    assert f.hunks == ()
    binary = parse_file_patch("logo.png", None, "added", head=DictTree({}))
    assert binary.is_binary


def test_head_tree_without_the_file_is_not_reconstructed() -> None:
    [f] = parse_diff(MODIFIED, head=DictTree({}))
    assert f.head_text is None
    assert UNREADABLE_NOTE in f.notes


QUOTED = """\
diff --git "a/m/2024 caf\\303\\251.sql" "b/m/2024 caf\\303\\251.sql"
new file mode 100644
index 0000000..6e47829
--- /dev/null
+++ "b/m/2024 caf\\303\\251.sql"\t
@@ -0,0 +1 @@
+select 1;
"""


def test_git_quoted_paths_are_unquoted() -> None:
    [f] = parse_diff(QUOTED)
    assert f.path == "m/2024 café.sql"
    assert unquote_path('"a\\\\b\\"c\\td"') == 'a\\b"c\td'
    assert unquote_path("plain.sql") == "plain.sql"
