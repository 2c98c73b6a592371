// Which screen of the shell is open, kept in the URL hash (`#/staff`) so a reload stays put.

function fromHash(): string {
  return location.hash.replace(/^#\/?/, "");
}

let current = $state(fromHash());

window.addEventListener("hashchange", () => {
  current = fromHash();
});

export const route = {
  get key(): string {
    return current;
  },
  go(key: string): void {
    if (key === current) return;
    current = key;
    history.replaceState(null, "", `#/${key}`);
  },
};
