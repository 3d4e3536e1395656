// Drives the web console in headless Chromium as an operator would: a wrong password is refused, the right one
// gets in, a plugin is loaded from the form and appears in the table, its details show its grants, a reload
// is confirmed, the audit log lists the load and its chain verifies, a screenshot is taken, and the plugin is
// unloaded again. Prints one line per step; exits 1 at the first step that fails, naming it.
//
// Environment: CONSOLE_URL, CONSOLE_USER, CONSOLE_PASSWORD, PLUGIN_FOLDER, PLUGIN_ID, SCREENSHOT (a .png path),
// CHROMIUM (the browser, /usr/bin/chromium by default).
import puppeteer from "puppeteer-core";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    throw new Error(name + " is not set");
  }
  return value;
};

const url = env("CONSOLE_URL");
const user = env("CONSOLE_USER");
const password = env("CONSOLE_PASSWORD");
const folder = env("PLUGIN_FOLDER");
const pluginId = env("PLUGIN_ID");
const screenshot = env("SCREENSHOT");
const STEP_TIMEOUT = 20000;

const browser = await puppeteer.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  headless: true,
  // Root has no user namespace sandbox in a container; the page is the platform's own.
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900"],
  defaultViewport: { width: 1400, height: 900 },
});
let failedStep = null;
const step = async (name, action) => {
  try {
    await action();
    console.log("ok   " + name);
  } catch (e) {
    failedStep = name;
    console.log("FAIL " + name + ": " + e.message);
    throw e;
  }
};

try {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  const problems = [];
  page.on("pageerror", (e) => problems.push("script error: " + e.message));
  // The browser logs every refused call (the wrong password's 401) as an error: only script errors count.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) {
      problems.push("console: " + m.text());
    }
  });
  page.on("dialog", (d) => d.accept());
  const text = (selector) => page.$eval(selector, (e) => e.textContent.trim());
  const visible = (selector) => page.waitForSelector(selector, { visible: true });
  const login = async (pass) => {
    await page.$eval("#user", (e) => { e.value = ""; });
    await page.$eval("#password", (e) => { e.value = ""; });
    await page.type("#user", user);
    await page.type("#password", pass);
    await page.click("#login-button");
  };

  await step("the console page opens at its login form", async () => {
    const response = await page.goto(url, { waitUntil: "networkidle0" });
    if (response.status() !== 200) {
      throw new Error("HTTP " + response.status());
    }
    await visible("#login-form");
  });

  await step("a wrong password is refused with a message and no browser dialog", async () => {
    await login(password + "-wrong");
    await page.waitForFunction(() => {
      const m = document.getElementById("message");
      return !m.hidden && m.textContent.includes("refused");
    });
    if (!(await page.$eval("#console", (e) => e.hidden))) {
      throw new Error("the console opened with a wrong password");
    }
  });

  await step("the operator logs in", async () => {
    await login(password);
    await visible("#plugins");
    const who = await text("#who");
    if (who !== user) {
      throw new Error("shows '" + who + "' as the user");
    }
  });

  const row = `#plugins tr[data-plugin="${pluginId}"]`;
  await step("loading " + pluginId + " from the form lists it", async () => {
    await page.type("#load-folder", folder);
    await page.click("#load-button");
    await visible(row);
    const cells = await page.$$eval(row + " td", (tds) => tds.map((td) => td.textContent.trim()));
    if (cells[0] !== pluginId || !cells[3]) {
      throw new Error("the row reads " + JSON.stringify(cells));
    }
    const message = await text("#message");
    if (!message.includes("loaded")) {
      throw new Error("the message reads '" + message + "'");
    }
  });

  await step("the plugin's details show its grants and identity", async () => {
    await page.click(row + " td button.link");
    await visible("#details");
    const grants = await text("#details-grants");
    if (!grants.includes("Time per execution")) {
      throw new Error("the grants read '" + grants + "'");
    }
    const identity = await text("#details-identity");
    if (!identity.includes(folder.split("/").pop())) {
      throw new Error("the identity does not name the source: '" + identity + "'");
    }
  });

  await step("reload is confirmed", async () => {
    await page.$$eval(row + " td button", (buttons) => buttons.find((b) => b.textContent === "Reload").click());
    await page.waitForFunction((id) => document.getElementById("message").textContent === id + " reloaded", {},
      pluginId);
  });

  await step("the audit log, filtered by plugin, lists the load and the reload", async () => {
    await page.$eval("#audit-plugin", (e) => { e.value = ""; });
    await page.type("#audit-plugin", pluginId);
    await page.click("#audit-button");
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll("#audit tbody tr")];
      const actions = rows.map((r) => r.cells[3].textContent);
      return rows.length > 0 && rows.every((r) => r.cells[2].textContent === id)
        && actions.includes("load") && actions.includes("reload");
    }, {}, pluginId);
  });

  await step("the audit chain verifies", async () => {
    await page.click("#verify-button");
    await page.waitForFunction(() => document.getElementById("verification").textContent.includes("intact"));
  });

  await step("a screenshot is taken", async () => {
    await page.screenshot({ path: screenshot, fullPage: true });
  });

  await step("unload removes the plugin from the table", async () => {
    await page.$$eval(row + " td button", (buttons) => buttons.find((b) => b.textContent === "Unload").click());
    await page.waitForSelector(row, { hidden: true });
  });

  await step("the page ran without script errors", async () => {
    if (problems.length) {
      throw new Error(problems.join("; "));
    }
  });
} catch (e) {
  if (!failedStep) {
    console.log("FAIL " + e.message);
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
