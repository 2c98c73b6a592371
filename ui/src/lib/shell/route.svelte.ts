// Which screen of the shell is open, kept in the URL hash (`#/staff`) so a reload stays put.
// A screen may take one parameter after a slash: `#/routers/<id>` opens a router's own page,
// `#/online/<id>` the online users of that router.

function fromHash(): string {
  return location.hash.replace(/^#\/?/, "");
}

let current = $state(fromHash());

window.addEventListener("hashchange", () => {
  current = fromHash();
});

export const route = {
  /** The screen: the part before the first slash. */
  get key(): string {
    const slash = current.indexOf("/");
    return slash < 0 ? current : current.slice(0, slash);
  },
  /** The screen's parameter, if any. */
  get param(): string | null {
    const slash = current.indexOf("/");
    if (slash < 0) return null;
    const text = current.slice(slash + 1);
    try {
      return decodeURIComponent(text) || null;
    } catch {
      return text || null;
    }
  },
  go(key: string, param: string | null = null): void {
    const next = param ? `${key}/${encodeURIComponent(param)}` : key;
    if (next === current) return;
    current = next;
    history.replaceState(null, "", `#/${next}`);
  },
};
