import type { SplitInput, SplitMemberInput, SplitPreview, SplitProblem } from "./booking_wasm_glue.js";

/**
 * Previews a split: the platform fee, then each member's exact part as a
 * decimal string, in member order (SPEC S2–S8). Never throws: an invalid
 * split comes back as `{ok: false, error: {code, message, member?}}`.
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
 * valid, else its first problem `{code, message, member?}`. Never throws.
 */
export function validateSplit(members: SplitMemberInput[]): SplitProblem | undefined;
