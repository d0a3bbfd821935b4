// The live split preview's crossing into wasm and back, as one string each
// way: a slider fires often, and one string costs far less than a JSON
// round trip or a crossing per field. Only shapes are handled here; every
// rule (what a percentage may look like, sums, leads, rounding) is the
// core's.
//
// In: [total, currency, feeBps, unit, count, (userId, role, percentage) x count]
// Out: [fee, unallocated, total, currency, part x count]
//   or ["\0" + code, member index or "", message]
// Fields are joined by U+001F. A value that is not a string (or, where the
// core reads JSON integers too, a safe integer) is sent as "\0" and what it
// was, so the core's side can say which field of which member to fix.

const SEP = "\x1f";
const BAD = "\0";

function describe(v) {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (typeof v === "number") {
    return Number.isInteger(v) ? `the number ${v}, too large to be exact` : `the number ${v}, a float`;
  }
  if (Array.isArray(v)) return "an array";
  return `a ${typeof v}`;
}

function field(v, integers) {
  if (typeof v === "string") {
    return v.indexOf(SEP) < 0 && v.indexOf(BAD) < 0 ? v : BAD + "a string with control characters";
  }
  if (integers && typeof v === "number" && Number.isSafeInteger(v)) return "" + v;
  return BAD + describe(v);
}

export function packMembers(members) {
  if (!Array.isArray(members)) return BAD + describe(members);
  let out = "" + members.length;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m === null || typeof m !== "object") {
      const bad = BAD + describe(m);
      out += SEP + bad + SEP + bad + SEP + bad;
    } else {
      out += SEP + field(m.userId, false) + SEP + field(m.role, false) + SEP + field(m.percentage, true);
    }
  }
  return out;
}

export function packSplit(input) {
  if (input === null || typeof input !== "object") return BAD + describe(input);
  return (
    field(input.total, false) + SEP + field(input.currency, false) + SEP +
    (input.feeBps === undefined ? "0" : field(input.feeBps, true)) + SEP +
    (input.unit === undefined ? "1" : field(input.unit, true)) + SEP +
    packMembers(input.members)
  );
}

export function unpackProblem(wire) {
  const f = wire.split(SEP);
  const problem = { code: f[0].slice(1), message: f.slice(2).join(SEP) };
  if (f[1] !== "") problem.member = +f[1];
  return problem;
}

export function unpackPreview(wire, input) {
  if (wire.charCodeAt(0) === 0) return { ok: false, error: unpackProblem(wire) };
  const f = wire.split(SEP);
  const members = input.members;
  const parts = new Array(members.length);
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    parts[i] = { userId: m.userId, role: m.role, percentage: "" + m.percentage, amount: f[4 + i] };
  }
  return { ok: true, currency: f[3], total: f[2], fee: f[0], parts, unallocated: f[1] };
}
