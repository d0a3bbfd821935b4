// The live split preview's crossing into wasm and back. A slider fires
// often, so the input is written straight into a buffer in wasm memory
// (no JSON, no intermediate string, no allocation per call), and the
// answer comes back as text cut by field lengths. Only shapes are handled
// here; every rule (what a percentage may look like, sums, leads,
// rounding) and all formatting is the core's.
//
// In (bytes, each field followed by U+001F):
//   total, currency, feeBps, unit, count, (userId, role, percentage) x count
//   (validateSplit: the members only)
// Out (text, cut by a byte of length per field but the last):
//   fee, unallocated, total, currency, part x count
//   or "\0" + code, member index or "", message
// A value that is not a string (or, where the core reads JSON integers
// too, a safe integer) is sent as "\0" and what it was, so the core's side
// can say which field of which member to fix.

const SEP = 0x1f;
const BAD = 0;

let memory = null;
let bytes = new Uint8Array(0);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Called once by the wasm side with its memory. */
export function useMemory(m) {
  memory = m;
}

function view() {
  // A grown memory detaches the old buffer.
  if (bytes.byteLength === 0) bytes = new Uint8Array(memory.buffer);
  return bytes;
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

// Writers: each writes one field and its separator at `p` and returns the
// next position, or -1 when the field might not fit before `end` (the wasm
// side then grows the buffer and asks again).

function putBad(b, p, end, what) {
  if (p + what.length + 2 > end) return -1;
  b[p++] = BAD;
  for (let i = 0; i < what.length; i++) b[p++] = what.charCodeAt(i);
  b[p++] = SEP;
  return p;
}

function putText(b, p, end, s) {
  const n = s.length;
  if (p + 3 * n + 1 > end) return -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === SEP || c === BAD) return putBad(b, p - i, end, "a string with control characters");
    if (c < 0x80) {
      b[p++] = c;
      continue;
    }
    const rest = s.slice(i);
    if (rest.indexOf("\x1f") >= 0 || rest.indexOf("\0") >= 0) {
      return putBad(b, p - i, end, "a string with control characters");
    }
    p += encoder.encodeInto(rest, b.subarray(p, end)).written;
    break;
  }
  b[p++] = SEP;
  return p;
}

function put(b, p, end, v, integers) {
  if (typeof v === "string") return putText(b, p, end, v);
  if (integers && typeof v === "number" && Number.isSafeInteger(v)) return putText(b, p, end, "" + v);
  return putBad(b, p, end, describe(v, integers));
}

// count, then userId, role and percentage per member.
function putMembers(b, p, end, members) {
  if (!Array.isArray(members)) return putBad(b, p, end, describe(members));
  p = putText(b, p, end, "" + members.length);
  for (let i = 0; i < members.length && p >= 0; i++) {
    const m = members[i];
    if (m === null || typeof m !== "object") {
      const what = describe(m);
      p = putBad(b, p, end, what);
      if (p >= 0) p = putBad(b, p, end, what);
      if (p >= 0) p = putBad(b, p, end, what);
    } else {
      p = put(b, p, end, m.userId, false);
      if (p >= 0) p = put(b, p, end, m.role, false);
      if (p >= 0) p = put(b, p, end, m.percentage, true);
    }
  }
  return p;
}

function putSplit(b, p, end, input) {
  if (input === null || typeof input !== "object") return putBad(b, p, end, describe(input));
  p = put(b, p, end, input.total, false);
  if (p >= 0) p = put(b, p, end, input.currency, false);
  if (p >= 0) p = input.feeBps === undefined ? putText(b, p, end, "0") : put(b, p, end, input.feeBps, true);
  if (p >= 0) p = input.unit === undefined ? putText(b, p, end, "1") : put(b, p, end, input.unit, true);
  if (p >= 0) p = putMembers(b, p, end, input.members);
  return p;
}

// Runs a writer at `at` with `room` bytes: the count of bytes written, or
// more than `room` when they did not fit.
function pack(write, value, at, room) {
  const p = write(view(), at, at + room, value);
  return p < 0 ? 2 * room + 1024 : p - at;
}

/** A team, for validateSplit. */
export const packMembers = (members, at, room) => pack(putMembers, members, at, room);
/** A split, for previewSplit. */
export const packSplit = (input, at, room) => pack(putSplit, input, at, room);

// The answer's text at `at`, cut into `count` fields: each but the last is
// ASCII, its length in bytes at `lengths`; the last takes the rest.
function fields(at, len, lengths, count) {
  const b = view();
  const text = decoder.decode(b.subarray(at, at + len));
  const out = new Array(count);
  let p = 0;
  for (let i = 0; i < count - 1; i++) {
    const q = p + b[lengths + i];
    out[i] = text.substring(p, q);
    p = q;
  }
  out[count - 1] = text.substring(p);
  return out;
}

/** The problem written at `at`. */
export function unpackProblem(at, len, lengths) {
  const f = fields(at, len, lengths, 3);
  const out = { code: f[0].slice(1), message: f[2] };
  if (f[1] !== "") out.member = +f[1];
  return out;
}

/** The preview written at `at`, with the members' own fields. */
export function unpackPreview(at, len, lengths, input) {
  if (view()[at] === BAD) return { ok: false, error: unpackProblem(at, len, lengths) };
  const members = input.members;
  const f = fields(at, len, lengths, 4 + members.length);
  const parts = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    parts[i] = { userId: m.userId, role: m.role, percentage: "" + m.percentage, amount: f[4 + i] };
  }
  return { ok: true, currency: f[3], total: f[2], fee: f[0], parts, unallocated: f[1] };
}
