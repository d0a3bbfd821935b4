import type { SplitInput, SplitMemberInput, SplitPreview, SplitProblem } from "./booking_wasm_glue.js";

/**
 * Previews a split: the platform fee, then each member's exact part as a
 * decimal string, in member order (SPEC S2–S8). Never throws once the
 * package is loaded: an invalid split comes back as
 * `{ok: false, error: {code, message, member?}}`.
 *
 * ```js
 * previewSplit({total: "1.00", currency: "USD", members: [
 *   {userId: "a", role: "lead", percentage: "33.33"},
 *   {userId: "b", role: "mix", percentage: "33.33"},
 *   {userId: "c", role: "vocals", percentage: "33.34"}]})
 * // → {ok: true, fee: "0.00", parts: [{userId: "a", amount: "0.33", …}, …, {userId: "c", amount: "0.34", …}], …}
 * ```
 */
export function previewSplit(input: SplitInput): SplitPreview;

/**
 * Checks a team's members (SPEC S1, S2): `undefined` when the split is
 * valid, else its first problem `{code, message, member?}`. Never throws
 * once the package is loaded.
 */
export function validateSplit(members: SplitMemberInput[]): SplitProblem | undefined;

/** A team for {@link splitPreviewer}: a split without its total and percentages. */
export interface SplitTeam {
  currency: string;
  feeBps?: number;
  unit?: number;
  members: { userId: string; role: string }[];
}

/** A previewer's answer: the fee, what is not a whole unit, and each member's amount in member order. */
export type SharesPreview =
  | { ok: true; fee: string; unallocated: string; amounts: string[] }
  | { ok: false; error: SplitProblem };

/** Previews one team's split as its percentages and total change. */
export interface SplitPreviewer {
  /**
   * The split of `total` by `percentages` (one per member, in member
   * order, as previewSplit reads them). Never throws.
   */
  preview(total: string, percentages: (string | number)[]): SharesPreview;
}

/**
 * A previewer for one team, for sliders: the team (currency, feeBps, unit,
 * each member's userId and role) is read once, now, and each preview sends
 * only the total and the percentages and answers only the fee, the
 * unallocated rest and the amounts. The split module keeps the team, its
 * ids and roles checked once, for as long as `preview` can be called (a
 * FinalizationRegistry lets it go). Each preview meets the problems
 * previewSplit would meet for the whole split, with the same codes, in the
 * same order; two messages name the previewer's own inputs: members that
 * are not an array of {userId, role}, and a count of percentages that does
 * not match the members (reported at the first member's percentage). Never
 * throws once the package is loaded: a team that is not an object comes
 * back as a problem from every preview.
 *
 * ```js
 * const slider = splitPreviewer({currency: "USD", feeBps: 1000, members: [
 *   {userId: "a", role: "lead"}, {userId: "b", role: "mix"}]});
 * slider.preview("250.00", ["70", "30"])
 * // → {ok: true, fee: "25.00", unallocated: "0.00", amounts: ["157.50", "67.50"]}
 * ```
 */
export function splitPreviewer(team: SplitTeam): SplitPreviewer;
