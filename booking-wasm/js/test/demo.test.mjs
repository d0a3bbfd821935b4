// The demo page in headless Chromium: a person types a 3-member split and
// sees the exact amounts; a bad share is named in the page. Saves a
// screenshot to target/split-calculator.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "../../../examples/split-calculator/serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run"];

test("the split calculator shows a typed 3-member split to the cent", async () => {
  const server = await serve(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForSelector("body[data-ready=true]");

    await page.fill("#total", "999.99");
    await page.selectOption("#fee", "1000");
    const rows = page.locator("#members tr");
    for (const [i, [user, share]] of [["lead-ana", "33.33"], ["sam", "33.33"], ["alex", "33.34"]].entries()) {
      await rows.nth(i).locator(".user").fill(user);
      await rows.nth(i).locator(".pct").fill(share);
    }
    // 999.99 − 10 % fee (100.00) = 899.99; by 33.33/33.33/33.34 the floors leave
    // 2 cents, which go to the two largest remainders (0.6667 > 0.6666).
    assert.deepEqual(await page.locator("td.paid").allTextContents(), ["299.97 USD", "299.97 USD", "300.05 USD"]);
    assert.equal(await page.textContent("#fee-amount"), "100.00 USD");
    mkdirSync(new URL("../../../target/", import.meta.url), { recursive: true });
    await page.screenshot({ path: new URL("../../../target/split-calculator.png", import.meta.url).pathname });

    await rows.nth(1).locator(".pct").fill("33.3");
    assert.match(await page.textContent("#error"), /percentages sum to 99\.97, not 100/);
    await rows.nth(1).locator(".pct").fill("-1");
    assert.match(await page.textContent("#error"), /^Member 2: /);
    assert.equal(await rows.nth(1).getAttribute("class"), "bad");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
