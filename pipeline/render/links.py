"""Links from a finding to the line it is about, in the head commit on GitHub."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class BlobLinks:
    """``https://github.com/OWNER/REPO/blob/SHA/path#Lline`` for one repository and commit."""

    repository: str
    """``owner/name``."""
    sha: str
    """The head commit: links keep pointing at the reviewed code after later pushes."""
    server_url: str = "https://github.com"

    def url(self, path: str, line: int | None = None, end_line: int | None = None) -> str:
        base = self.server_url.rstrip("/")
        url = f"{base}/{quote(self.repository)}/blob/{quote(self.sha)}/{quote(path)}"
        if line is not None:
            url += f"#L{line}"
            if end_line is not None and end_line > line:
                url += f"-L{end_line}"
        return url
