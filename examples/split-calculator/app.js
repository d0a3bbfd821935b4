// The split calculator: every keystroke and slider move asks the core for
// a preview; nothing here computes money.
import init, { previewSplit } from "/pkg/booking_wasm.js";

const $ = (id) => document.getElementById(id);
const ROLES = ["lead", "collaborator", "mix-engineer", "vocalist", "producer"];

function memberRow(userId, role, percentage) {
  const tr = document.createElement("tr");
  tr.innerHTML = `
    <td><input class="user" value="${userId}" aria-label="member"></td>
    <td><select class="role" aria-label="role">${ROLES.map((r) => `<option ${r === role ? "selected" : ""}>${r}</option>`).join("")}</select></td>
    <td><input class="pct" value="${percentage}" inputmode="decimal" aria-label="share"></td>
    <td><input type="range" class="slider" min="0" max="100" step="0.01" value="${percentage}" aria-label="share slider"></td>
    <td class="paid">–</td>
    <td><button class="remove" title="Remove">✕</button></td>`;
  const pct = tr.querySelector(".pct");
  const slider = tr.querySelector(".slider");
  // The slider's value is already text; it is passed on as it is.
  slider.addEventListener("input", () => { pct.value = slider.value; update(); });
  pct.addEventListener("input", () => { slider.value = pct.value; update(); });
  tr.querySelector(".remove").addEventListener("click", () => { tr.remove(); update(); });
  tr.querySelectorAll("input.user, select").forEach((el) => el.addEventListener("input", update));
  $("members").append(tr);
}

function update() {
  const rows = [...$("members").querySelectorAll("tr")];
  const members = rows.map((tr) => ({
    userId: tr.querySelector(".user").value,
    role: tr.querySelector(".role").value,
    percentage: tr.querySelector(".pct").value.trim(),
  }));
  const preview = previewSplit({
    total: $("total").value.trim(), currency: $("currency").value, feeBps: Number($("fee").value), members,
  });
  rows.forEach((tr) => tr.classList.remove("bad"));
  if (preview.ok) {
    rows.forEach((tr, i) => { tr.querySelector(".paid").textContent = `${preview.parts[i].amount} ${preview.currency}`; });
    $("fee-amount").textContent = `${preview.fee} ${preview.currency}`;
    $("error").textContent = "";
    $("status").textContent = `${preview.total} ${preview.currency} split exactly`;
    $("status").className = "ok";
  } else {
    rows.forEach((tr) => { tr.querySelector(".paid").textContent = "–"; });
    $("fee-amount").textContent = "–";
    const { message, member } = preview.error;
    if (member !== undefined) rows[member]?.classList.add("bad");
    $("error").textContent = member !== undefined ? `Member ${member + 1}: ${message}` : message;
    $("status").textContent = "";
  }
}

await init();
memberRow("you", "lead", "50");
memberRow("sam", "collaborator", "30");
memberRow("alex", "mix-engineer", "20");
for (const id of ["total", "currency", "fee"]) $(id).addEventListener("input", update);
$("add").addEventListener("click", () => { memberRow(`member-${$("members").children.length + 1}`, "collaborator", "0"); update(); });
update();
document.body.dataset.ready = "true";
