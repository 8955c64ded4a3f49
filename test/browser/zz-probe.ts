import { launchChromium, startStudioServer } from "/work/main/test/browser/setup.ts";
const server = await startStudioServer();
const browser = await launchChromium();
const page = await browser.newPage();
try {
  await page.goto(`${server.url}/login`);
  await page.getByLabel("User name").fill(server.username);
  await page.getByLabel("Password").fill(server.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Rulesets", level: 1 }).waitFor();
  await page.evaluate(async () => {
    await fetch("/api/v1/rulesets", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ ruleset: { id: "p", name: "P", administrationId: "a", side: "sales", currency: "EUR", rules: [], scripts: { probe: "export {}" } } }) });
  });
  await page.goto(`${server.url}/rulesets/p`);
  await page.getByRole("tab", { name: /Scripts/ }).click();
  await page.getByTestId("script-editor").locator(".view-lines").waitFor();
  const src = `import { defineScript } from "voltrate:script";
const a: number = [1, 2].at(0);
const d = document.title;
const g = Object.groupBy([1], (x) => String(x));
export default defineScript((session, h) => ({ lines: [] }));
`;
  await page.evaluate((s) => (globalThis as any).monaco.editor.getModels()[0].setValue(s), src);
  await new Promise((r) => setTimeout(r, 4000));
  console.log(await page.evaluate(() => (globalThis as any).monaco.editor.getModelMarkers({}).map((m: any) => `${m.startLineNumber}: ${m.message}`)));
} finally {
  await browser.close();
  await server.close();
}
