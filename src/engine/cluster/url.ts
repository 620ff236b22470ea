// The --cluster URL, checked where the options are parsed (no client library needed for that).

/** null for a usable redis:// URL, else the usage error's message. */
export function clusterUrlError(url: string | undefined): string | null {
  if (!url) return "--cluster needs a URL such as redis://127.0.0.1:6379";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `--cluster needs a URL such as redis://127.0.0.1:6379, not '${url}'`;
  }
  if (u.protocol !== "redis:") return `--cluster needs a redis:// URL (the engine is Redis; see docs/design.md), not '${url}'`;
  return null;
}
