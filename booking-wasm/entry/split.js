// previewSplit, validateSplit and splitPreviewer: the JS half of
// split/src/wire.rs, over the split module (booking_split.wasm).
//
// A slider fires often, so these write their input straight into buffers
// in wasm memory and make one call with plain numbers (a previewer makes a
// second, once, to hand its team over): no JSON, no JS object handed to
// wasm, no call from wasm back out to JS, and buffers reused from call to
// call. Each field's UTF-8 text goes one after another, and its length
// into a second buffer; a value that is not a string (or, where the core
// reads JSON integers too, a safe integer) is written as what it was, its
// length marked, so the core's side can say which field of which member
// to fix. The answer comes back as text cut by a byte of length per field.
//
// Only shapes are handled here; every rule (what a percentage may look
// like, sums, leads, rounding) and all formatting is the core's.
//
// Field order. previewSplit: total, currency, feeBps, unit, count, then
// (userId, role, percentage) x count. validateSplit: count, then the
// members. A previewer: its team once (currency, feeBps, unit, count,
// (userId, role) x count), which the split module keeps; then, for each
// preview, total, count, percentage x count. Answers: fee, unallocated,
// total and currency (not to a previewer), part x count; or a problem:
// code, member index or "", message.
//
// scripts/build.sh wraps this file into the package's entry, as an ES
// module for the browser and a CommonJS module for Node.

/**
 * previewSplit, validateSplit and splitPreviewer over the split module's
 * exports, which `load()` returns (or throws for, before they are loaded).
 */
function splitApi(load) {
  const NOT_TEXT = 0x80000000;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const fromCharCode = String.fromCharCode;

  let wasm = null; // the split module's exports
  // Lets the split module drop the team of a previewer that is gone.
  const teams = typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry((handle) => wasm.split_team_drop(handle))
    : null;
  let bytes = new Uint8Array(0);
  let words = null;
  let header = 0; // the wire's header (split/src/wire.rs), in words

  // While packing: the end of the text's buffer, and of the lengths' (in
  // words).
  let end = 0;
  let kEnd = 0;

  // True while a call reads its input or its answer: a getter on the
  // input that previewed again would write over the shared buffers, so
  // such a call gets a problem instead (nested).
  let busy = false;

  const shape = (message) => ({ code: "json.invalid", message });
  const nested = (name) =>
    shape(`${name} was called from a getter of the value another split call was reading; read the values first`);

  // A grown memory detaches the views' buffer, leaving them empty.
  function views() {
    if (bytes.length === 0) {
      bytes = new Uint8Array(wasm.memory.buffer);
      words = new Uint32Array(wasm.memory.buffer);
    }
  }

  // Asks the wasm side for room for `text` bytes and `fields` fields.
  function room(text, fields) {
    if (wasm === null) wasm = load();
    header = wasm.wire_room(text, fields) >>> 2;
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

  // The members from field `k`: the count, then `per` fields each (userId,
  // role and, unless `per` is 2, percentage). Returns the next byte, or -1.
  function putMembers(p, k, members, per = 3) {
    if (!Array.isArray(members)) return putNotText(p, k, describe(members));
    const n = members.length;
    p = putText(p, k++, "" + n);
    for (let i = 0; i < n && p >= 0; i++, k += per) {
      const m = members[i];
      if (m === null || typeof m !== "object") {
        const what = describe(m);
        for (let f = 0; f < per && p >= 0; f++) p = putNotText(p, k + f, what);
      } else {
        p = put(p, k, m.userId, false);
        if (p >= 0) p = put(p, k + 1, m.role, false);
        if (p >= 0 && per === 3) p = put(p, k + 2, m.percentage, true);
      }
    }
    return p;
  }

  // The percentages from field `k`: the count, then each.
  function putShares(p, k, shares) {
    if (!Array.isArray(shares)) return putNotText(p, k, describe(shares));
    const n = shares.length;
    p = putText(p, k++, "" + n);
    for (let i = 0; i < n && p >= 0; i++) p = put(p, k++, shares[i], true);
    return p;
  }

  const isRecord = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

  // A split's or a previewer's team from field `k`: currency, feeBps,
  // unit, then the members with `per` fields each.
  function putTeam(p, k, team, per) {
    p = put(p, k, team.currency, false);
    if (p >= 0) p = team.feeBps === undefined ? putText(p, k + 1, "0") : put(p, k + 1, team.feeBps, true);
    if (p >= 0) p = team.unit === undefined ? putText(p, k + 2, "1") : put(p, k + 2, team.unit, true);
    return p >= 0 ? putMembers(p, k + 3, team.members, per) : p;
  }

  // A preview's total and percentages the quick way, for what a slider
  // sends: a string and an array of ASCII strings that fit the buffers as
  // they are; returns whether it wrote them. Anything else takes pack()
  // and putSlide, the way that describes other values and grows the
  // buffers. One loop with its own locals, no call per field: a tenth of
  // a 3-member preview.
  function quickSlide(total, shares) {
    if (typeof total !== "string" || !Array.isArray(shares)) return false;
    views();
    const b = bytes, w = words, n = shares.length;
    let p = w[header];
    const e = p + w[header + 1];
    let k = w[header + 2] >>> 2;
    if (n + 2 > w[header + 3]) return false;
    for (let f = -2; f < n; f++) {
      const s = f === -2 ? total : f === -1 ? "" + n : shares[f];
      if (typeof s !== "string") return false;
      const len = s.length;
      if (p + len > e) return false;
      for (let i = 0; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return false;
        b[p + i] = c;
      }
      p += len;
      w[k++] = len;
    }
    return true;
  }

  // A preview's total and percentages from field `k`.
  function putSlide(p, k, total, shares) {
    p = put(p, k, total, false);
    return p >= 0 ? putShares(p, k + 1, shares) : p;
  }

  function putSplit(p, k, input) {
    p = put(p, k, input.total, false);
    return p >= 0 ? putTeam(p, k + 1, input, 3) : p;
  }

  // Writes `value` (and `more`) with `write`, growing the buffers until
  // it fits.
  function pack(write, value, more) {
    if (wasm === null) room(1024, 64);
    for (;;) {
      views();
      const p = words[header];
      end = p + words[header + 1];
      const k = words[header + 2] >>> 2;
      kEnd = k + words[header + 3];
      if (write(p, k, value, more) >= 0) return;
      room(2 * words[header + 1] + 1024, 2 * words[header + 3] + 64);
    }
  }

  // How many fields putMembers (`per` fields a member) or putShares
  // writes for `items`.
  const itemFields = (items, per) => (Array.isArray(items) ? 1 + per * items.length : 1);

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

  // The answer's fields, in order: `field()` cuts the next one.
  let at = 0;
  let lengthAt = 0;
  function answer() {
    at = words[header + 5];
    lengthAt = words[header + 7];
  }
  // The byte after the answer's last.
  const answerEnd = () => words[header + 5] + words[header + 6];
  function field() {
    const len = bytes[lengthAt++];
    const text = ascii(at, len);
    at += len;
    return text;
  }

  // The next `n` fields, ASCII each. Many are cut from one decoded string:
  // one decoder call costs about as much as ten short strings made one by
  // one, and each slice far less. (UTF-8 decoding of ASCII is ASCII, and
  // every runtime has a UTF-8 decoder.)
  function fields(n) {
    const out = new Array(n);
    if (n < 24) {
      for (let i = 0; i < n; i++) out[i] = field();
      return out;
    }
    const all = decoder.decode(bytes.subarray(at, answerEnd()));
    let p = 0;
    for (let i = 0; i < n; i++) {
      const len = bytes[lengthAt++];
      out[i] = all.slice(p, p + len);
      p += len;
    }
    at += p;
    return out;
  }

  // The problem in the answer: {code, message, member?}.
  function problem() {
    answer();
    const code = field();
    const index = field();
    // The message, the rest, is the one field that may not be ASCII.
    const out = { code, message: decoder.decode(bytes.subarray(at, answerEnd())) };
    if (index !== "") out.member = +index;
    return out;
  }

  // Runs `run(a, b)` as the one split call reading or writing the shared
  // buffers; callers refuse first when `busy` (a getter calling back in).
  function exclusive(run, a, b) {
    busy = true;
    try {
      return run(a, b);
    } finally {
      busy = false;
    }
  }

  /**
   * Previews a split: the platform fee, then each member's exact part as a
   * decimal string, in member order (SPEC S2–S8). Never throws: an invalid
   * split comes back as `{ok: false, error: {code, message, member?}}`.
   */
  function previewSplit(input) {
    if (busy) return { ok: false, error: nested("previewSplit") };
    return exclusive(preview, input);
  }

  function preview(input) {
    if (!isRecord(input)) return { ok: false, error: shape(`split: expected {total, currency, …}, got ${describe(input)}`) };
    pack(putSplit, input);
    wasm.split_preview(4 + itemFields(input.members, 3));
    views();
    if (words[header + 4] !== 0) return { ok: false, error: problem() };
    answer();
    const fee = field();
    const unallocated = field();
    const total = field();
    const currency = field();
    const members = input.members;
    const n = members.length;
    const amounts = fields(n);
    const parts = new Array(n);
    for (let i = 0; i < n; i++) {
      const m = members[i];
      parts[i] = { userId: m.userId, role: m.role, percentage: "" + m.percentage, amount: amounts[i] };
    }
    return { ok: true, currency, total, fee, parts, unallocated };
  }

  /**
   * Checks a team's members (SPEC S1, S2): `undefined` when the split is
   * valid, else its first problem `{code, message, member?}`. Never throws.
   */
  function validateSplit(members) {
    if (busy) return nested("validateSplit");
    return exclusive(validate, members);
  }

  function validate(members) {
    pack(putMembers, members);
    wasm.split_validate(itemFields(members, 3));
    views();
    return words[header + 4] !== 0 ? problem() : undefined;
  }

  /**
   * A previewer for one team, for sliders: the team (currency, feeBps,
   * unit, each member's userId and role) is read once, now, and each
   * `preview(total, percentages)` sends only the total and the
   * percentages and answers only the fee, what is left unallocated and the
   * amounts, in member order. The split module keeps the team, its ids
   * and roles checked once, for as long as `preview` can be called (a
   * FinalizationRegistry lets it go). Each preview meets the problems
   * previewSplit would meet for the whole split, with the same codes, in
   * the same order; two messages name the previewer's own inputs: members
   * that are not an array of {userId, role}, and a count of percentages
   * that does not match the members (reported at the first member's
   * percentage). Never throws.
   */
  function splitPreviewer(team) {
    // The team's values now, so that a getter runs here and never while
    // a preview writes the shared buffers.
    const given = isRecord(team) ? {
      currency: team.currency, feeBps: team.feeBps, unit: team.unit,
      members: Array.isArray(team.members)
        ? Array.from(team.members, (m) => (m !== null && typeof m === "object" ? { userId: m.userId, role: m.role } : m))
        : team.members,
    } : null;
    const refused = given === null ? `splitPreviewer: expected a team {currency, members, …}, got ${describe(team)}` : "";
    // The team's handle in the split module, read at the first preview.
    let handle = -1;

    function slide(total, shares) {
      if (handle < 0) {
        pack(putTeam, given, 2);
        handle = wasm.split_team(3 + itemFields(given.members, 2));
        // The team lives as long as the preview function can be called.
        if (teams !== null) teams.register(preview, handle);
      }
      if (!quickSlide(total, shares)) pack(putSlide, total, shares);
      wasm.split_slide(handle, 1 + itemFields(shares, 1));
      views();
      if (words[header + 4] !== 0) return { ok: false, error: problem() };
      answer();
      const fee = field();
      const unallocated = field();
      return { ok: true, fee, unallocated, amounts: fields(given.members.length) };
    }

    function preview(total, percentages) {
      if (refused) return { ok: false, error: shape(refused) };
      if (busy) return { ok: false, error: nested("preview") };
      return exclusive(slide, total, percentages);
    }

    return { preview };
  }
  return { previewSplit, validateSplit, splitPreviewer };
}
