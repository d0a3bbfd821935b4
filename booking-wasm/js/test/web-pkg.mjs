// The browser build (booking-wasm/pkg/web) for the loading tests, which
// run it in Node: its files' bytes, and a split to check it works (the
// three-member team the API tests use too).
import { readFileSync } from "node:fs";

export const pkg = new URL("../../pkg/web/", import.meta.url);
export const bytes = (name) => readFileSync(new URL(name, pkg));
export const three = [
  { userId: "a", role: "lead", percentage: "33.33" },
  { userId: "b", role: "mix", percentage: "33.33" },
  { userId: "c", role: "vocals", percentage: "33.34" },
];
export const amounts = (web) =>
  web.previewSplit({ total: "1.00", currency: "USD", members: three }).parts.map((p) => p.amount);
