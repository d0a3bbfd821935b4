
// Loading, in the browser: init() fetches and instantiates both modules,
// wasm-bindgen's and the split preview's (booking_split.wasm, next to this
// file), at once; initSync() takes both as bytes or compiled modules.

let split = null;
let loading = null; // the split module's instantiation, while init() runs

// The split module's exports, for splitApi.
function splitExports() {
  if (split === null) throw new Error("booking-wasm: await init() (or call initSync) before previewing a split");
  return split;
}

async function instantiate(source) {
  source = await source;
  if (typeof source === "string" || source instanceof URL || (typeof Request === "function" && source instanceof Request)) {
    source = await fetch(source);
  }
  if (typeof Response === "function" && source instanceof Response) {
    if (!source.ok) throw new Error(`booking-wasm: could not load the split module from ${source.url || "its response"}: HTTP ${source.status}`);
    const type = source.headers.get("Content-Type") ?? "";
    if (typeof WebAssembly.instantiateStreaming === "function" && type.startsWith("application/wasm")) {
      return (await WebAssembly.instantiateStreaming(source)).instance.exports;
    }
    source = await source.arrayBuffer();
  }
  const made = await WebAssembly.instantiate(source);
  return (made instanceof WebAssembly.Instance ? made : made.instance).exports;
}

// wasm-bindgen's own init takes `{module_or_path}` (or, deprecated, the
// source itself); `split` names the split module's source.
const plain = (options) => options !== undefined && options !== null && Object.getPrototypeOf(options) === Object.prototype;

export default async function init(options) {
  const given = plain(options) ? options : { module_or_path: options };
  if (split === null) {
    loading ??= instantiate(given.split ?? new URL("booking_split.wasm", import.meta.url)).finally(() => {
      loading = null;
    });
  }
  const [out, exports] = await Promise.all([initGlue({ module_or_path: given.module_or_path }), split ?? loading]);
  split = exports;
  return out;
}

export function initSync(options) {
  if (!plain(options) || options.module === undefined || options.split === undefined) {
    throw new Error("booking-wasm: initSync needs {module, split}: wasm-bindgen's module and booking_split.wasm");
  }
  const out = initGlueSync({ module: options.module });
  if (split === null) {
    const module = options.split instanceof WebAssembly.Module ? options.split : new WebAssembly.Module(options.split);
    split = new WebAssembly.Instance(module).exports;
  }
  return out;
}
