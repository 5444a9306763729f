export interface GitlabProject {
  id: number;
  path_with_namespace: string;
  web_url: string;
  default_branch: string | null;
}

export class GitlabError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** GET a GitLab REST path below `apiBase` (e.g. https://gitlab.com/api/v4). */
export async function gitlabGet<T>(
  apiBase: string,
  path: string,
  token: string,
): Promise<T> {
  const res = await fetch(`${apiBase}${path}`, {
    headers: { "PRIVATE-TOKEN": token, Accept: "application/json" },
    signal: AbortSignal.timeout(8000),
  });
  if (!res.ok) {
    throw new GitlabError(res.status, `GitLab answered ${res.status}`);
  }
  return (await res.json()) as T;
}
