import type { InitInput, InitOutput, SyncInitInput } from "./booking_wasm_glue.js";

/**
 * Loads the package in the browser: wasm-bindgen's module and the split
 * preview's (`booking_split.wasm`), both fetched next to this file unless
 * given (an object; wasm-bindgen's deprecated form, its module's source
 * alone, still works). Call (and await) it once before anything else.
 */
export default function init(
  options?:
    | { module_or_path?: InitInput | Promise<InitInput>; split?: InitInput | Promise<InitInput> }
    | InitInput
    | Promise<InitInput>,
): Promise<InitOutput>;

/** Loads the package from bytes or compiled modules already at hand. */
export function initSync(options: { module: SyncInitInput; split: SyncInitInput }): InitOutput;
