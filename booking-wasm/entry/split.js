// previewSplit and validateSplit: the JS half of src/wire.rs.
//
// A slider fires often, so these write their input straight into buffers
// in wasm memory and make one call with a plain number: no JSON, no JS
// object handed to wasm, no call from wasm back out to JS, nothing
// allocated in wasm per call. Each field's UTF-8 text goes one after
// another, and its length into a second buffer; a value that is not a
// string (or, where the core reads JSON integers too, a safe integer) is
// written as what it was, its length marked, so the core's side can say
// which field of which member to fix. The answer comes back as text cut by
// a byte of length per field.
//
// Only shapes are handled here; every rule (what a percentage may look
// like, sums, leads, rounding) and all formatting is the core's.
//
// Field order. previewSplit: total, currency, feeBps, unit, count, then
// (userId, role, percentage) x count. validateSplit: count, then the
// members. Answers: fee, unallocated, total, currency, part x count; or a
// problem: code, member index or "", message.
//
// scripts/build.sh wraps this file into the package's entry, as an ES
// module for the browser and a CommonJS module for Node.

/** previewSplit and validateSplit over `glue`, wasm-bindgen's module. */
function splitApi(glue) {
  const NOT_TEXT = 0x80000000;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const fromCharCode = String.fromCharCode;

  let memory = null;
  let bytes = new Uint8Array(0);
  let words = null;
  let header = 0; // the wire's header (src/wire.rs), in words

  // While packing: the end of the text's buffer, and of the lengths' (in
  // words).
  let end = 0;
  let kEnd = 0;

  // True while a call reads its input or its answer: a getter on the
  // input that previewed again would write over the shared buffers, so
  // such a call gets a problem instead (nested).
  let busy = false;

  const nested = (name) => ({
    code: "json.invalid",
    message: `${name} was called from a getter of the value another split call was reading; read the values first`,
  });

  // A grown memory detaches the views' buffer, leaving them empty.
  function views() {
    if (bytes.length === 0) {
      bytes = new Uint8Array(memory.buffer);
      words = new Uint32Array(memory.buffer);
    }
  }

  // Asks the wasm side for room for `text` bytes and `fields` fields.
  function room(text, fields) {
    if (memory === null) memory = glue.__wireMemory();
    header = glue.__wireRoom(text, fields) >>> 2;
    views();
  }

  // What a value that is not a string was; `integers` when the field takes
  // safe integers too (so an integer refused there was too large).
  function describe(v, integers) {
    if (v === undefined) return "missing";
    if (v === null) return "null";
    if (typeof v === "number") {
      if (!Number.isInteger(v)) return `the number ${v}, a float`;
      return integers ? `the number ${v}, too large to be exact` : `the number ${v}`;
    }
    if (Array.isArray(v)) return "an array";
    return `a ${typeof v}`;
  }

  // Writers: each writes one field's text from byte `p` and its length
  // at word `k`, and returns the next byte, or -1 when it might not fit.

  function putText(p, k, s) {
    const n = s.length;
    if (p + 3 * n > end || k >= kEnd) return -1;
    const b = bytes;
    const start = p;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        p += encoder.encodeInto(s.slice(i), b.subarray(p, end)).written;
        break;
      }
      b[p++] = c;
    }
    words[k] = p - start;
    return p;
  }

  // `what` is ASCII: describe's words and a number.
  function putNotText(p, k, what) {
    const n = what.length;
    if (p + n > end || k >= kEnd) return -1;
    for (let i = 0; i < n; i++) bytes[p++] = what.charCodeAt(i);
    words[k] = (n | NOT_TEXT) >>> 0;
    return p;
  }

  function put(p, k, v, integers) {
    if (typeof v === "string") return putText(p, k, v);
    if (integers && typeof v === "number" && Number.isSafeInteger(v)) return putText(p, k, "" + v);
    return putNotText(p, k, describe(v, integers));
  }

  // The members from field `k`: the count, then three fields each. Returns
  // the next byte, or -1.
  function putMembers(p, k, members) {
    if (!Array.isArray(members)) return putNotText(p, k, describe(members));
    const n = members.length;
    p = putText(p, k++, "" + n);
    for (let i = 0; i < n && p >= 0; i++, k += 3) {
      const m = members[i];
      if (m === null || typeof m !== "object") {
        const what = describe(m);
        p = putNotText(p, k, what);
        if (p >= 0) p = putNotText(p, k + 1, what);
        if (p >= 0) p = putNotText(p, k + 2, what);
      } else {
        p = put(p, k, m.userId, false);
        if (p >= 0) p = put(p, k + 1, m.role, false);
        if (p >= 0) p = put(p, k + 2, m.percentage, true);
      }
    }
    return p;
  }

  const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

  function putSplit(p, k, input) {
    if (!isRecord(input)) return putNotText(p, k, describe(input));
    p = put(p, k, input.total, false);
    if (p >= 0) p = put(p, k + 1, input.currency, false);
    if (p >= 0) p = input.feeBps === undefined ? putText(p, k + 2, "0") : put(p, k + 2, input.feeBps, true);
    if (p >= 0) p = input.unit === undefined ? putText(p, k + 3, "1") : put(p, k + 3, input.unit, true);
    return p >= 0 ? putMembers(p, k + 4, input.members) : p;
  }

  // Writes `value` with `write`, growing the buffers until it fits.
  function pack(write, value) {
    if (memory === null) room(1024, 64);
    for (;;) {
      views();
      const p = words[header];
      end = p + words[header + 1];
      const k = words[header + 2] >>> 2;
      kEnd = k + words[header + 3];
      if (write(p, k, value) >= 0) return;
      room(2 * words[header + 1] + 1024, 2 * words[header + 3] + 64);
    }
  }

  // How many fields putMembers writes for `members`.
  const memberFields = (members) => (Array.isArray(members) ? 1 + 3 * members.length : 1);

  // `len` bytes of ASCII at `at`.
  function ascii(at, len) {
    const b = bytes;
    switch (len) {
      case 0: return "";
      case 1: return fromCharCode(b[at]);
      case 2: return fromCharCode(b[at], b[at + 1]);
      case 3: return fromCharCode(b[at], b[at + 1], b[at + 2]);
      case 4: return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
      case 5: return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4]);
      case 6: return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5]);
      case 7: return fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], b[at + 6]);
      default: return fromCharCode.apply(null, b.subarray(at, at + len));
    }
  }

  // The problem in the answer: {code, message, member?}.
  function problem() {
    const at = words[header + 5];
    const lengths = words[header + 7];
    const text = decoder.decode(bytes.subarray(at, at + words[header + 6]));
    const code = bytes[lengths];
    const index = bytes[lengths + 1];
    const out = { code: text.substring(0, code), message: text.substring(code + index) };
    if (index !== 0) out.member = +text.substring(code, code + index);
    return out;
  }

  /**
   * Previews a split: the platform fee, then each member's exact part as a
   * decimal string, in member order (SPEC S2–S8). Never throws: an invalid
   * split comes back as `{ok: false, error: {code, message, member?}}`.
   */
  function previewSplit(input) {
    if (busy) return { ok: false, error: nested("previewSplit") };
    busy = true;
    try {
      return preview(input);
    } finally {
      busy = false;
    }
  }

  function preview(input) {
    pack(putSplit, input);
    glue.__splitPreview(isRecord(input) ? 4 + memberFields(input.members) : 1);
    views();
    if (words[header + 4] !== 0) return { ok: false, error: problem() };
    const members = input.members;
    const n = members.length;
    let at = words[header + 5];
    const last = at + words[header + 6];
    let lengths = words[header + 7];
    let len = bytes[lengths++];
    const fee = ascii(at, len);
    at += len;
    len = bytes[lengths++];
    const unallocated = ascii(at, len);
    at += len;
    len = bytes[lengths++];
    const total = ascii(at, len);
    at += len;
    len = bytes[lengths++];
    const currency = ascii(at, len);
    at += len;
    const parts = new Array(n);
    for (let i = 0; i < n; i++) {
      len = i === n - 1 ? last - at : bytes[lengths++];
      const m = members[i];
      parts[i] = { userId: m.userId, role: m.role, percentage: "" + m.percentage, amount: ascii(at, len) };
      at += len;
    }
    return { ok: true, currency, total, fee, parts, unallocated };
  }

  /**
   * Checks a team's members (SPEC S1, S2): `undefined` when the split is
   * valid, else its first problem `{code, message, member?}`. Never throws.
   */
  function validateSplit(members) {
    if (busy) return nested("validateSplit");
    busy = true;
    try {
      pack(putMembers, members);
      glue.__splitValidate(memberFields(members));
      views();
      return words[header + 4] !== 0 ? problem() : undefined;
    } finally {
      busy = false;
    }
  }

  return { previewSplit, validateSplit };
}
