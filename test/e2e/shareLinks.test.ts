import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { framesPainted, launchBrowser, screenshot, startServer, watchErrors } from './harness';
import type { GameServer } from '../../server/src/createGameServer';
import { runToVerdict } from './challengeScreen';

/**
 * Shareable setups (issue 10): a solo setup is a link. The teacher sets up
 * solo, hides some controls in the copied link, and a student who opens it in
 * another browser gets the same setup (the same loss after the same steps)
 * without those controls, and a line saying the link fixes them. A bad link
 * opens solo with a message naming the bad field; a challenge link carries a
 * starting setup and `hide=` too, the challenge's own choices (a network's
 * activation and initialisation) included; and the same on a 390×844 touch phone.
 */
let server: GameServer;
let url: string;
let browser: Browser;
const errors: string[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ server, url } = await startServer());
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.close();
});

async function open(options: Parameters<Browser['newContext']>[0] = { viewport: { width: 1400, height: 900 } }): Promise<Page> {
  const ctx = await browser.newContext(options);
  contexts.push(ctx);
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const page = await ctx.newPage();
  watchErrors(page, errors);
  return page;
}

const statusText = (page: Page) => page.getByText(/^Step \d+, loss/).textContent();

/** Presses Step (one tick of the round) n times, waiting for each to show. */
async function step(page: Page, n: number): Promise<string> {
  for (let i = 1; i <= n; i++) {
    const before = await statusText(page);
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(() => statusText(page)).not.toBe(before);
  }
  return (await statusText(page)) ?? '';
}

describe('shared links', () => {
  it('a solo setup copied as a link opens the same in a new browser, with the hidden controls absent', async () => {
    const teacher = await open();
    await teacher.goto(`${url}/?solo`);
    const rosenbrock = await teacher.locator('option', { hasText: 'Rosenbrock' }).first().getAttribute('value');
    await teacher.getByLabel('Landscape').selectOption(rosenbrock!);
    await teacher.getByLabel('Optimizer').selectOption('adam');
    await teacher.getByLabel('Learning rate').fill('0.003');
    await teacher.getByLabel('Learning rate').press('Enter');
    await teacher.getByLabel('Momentum').fill('0.8');
    await teacher.getByLabel('Gradient noise').fill('0');
    // A start of the teacher's own, clicked on the terrain.
    await expect.poll(() => teacher.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    const box = (await teacher.locator('#arena canvas').boundingBox())!;
    await teacher.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.4);
    await expect.poll(() => teacher.getByRole('button', { name: "Use the terrain's start" }).isVisible(), { timeout: 20_000 }).toBe(true);

    // The address bar follows the setup.
    await expect.poll(() => teacher.url()).toMatch(/terrain=rosenbrock/);
    await expect.poll(() => teacher.url()).toMatch(/optimizer=adam&lr=0\.003&momentum=0\.8/);
    await expect.poll(() => teacher.url()).toMatch(/start=-?[\d.]+,-?[\d.]+/);

    // Hide two controls in the copied link only.
    const share = teacher.getByRole('region', { name: 'Share this setup' });
    await share.getByRole('button', { name: 'Optimizer' }).click();
    await share.getByRole('button', { name: 'Momentum (β1)' }).click();
    await expect.poll(() => share.getByRole('button', { name: 'Optimizer' }).getAttribute('aria-pressed')).toBe('true');
    await share.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => share.getByRole('status').textContent()).toBe('Link copied, with the chosen controls hidden.');
    const link = await teacher.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?solo&terrain=rosenbrock&start=/);
    expect(link).toContain('&hide=optimizer,momentum');
    expect(await share.getByLabel('Link to this setup').inputValue()).toBe(link);
    // The teacher's own controls stay (the hiding is for the link).
    await expect.poll(() => teacher.getByLabel('Optimizer').isVisible(), { timeout: 20_000 }).toBe(true);
    await screenshot(teacher, 'share-teacher');

    // A student in another browser (no shared storage) opens it.
    const student = await open();
    await student.goto(link);
    await expect.poll(() => student.getByText('Some controls are fixed by this link').isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => student.locator('.link-fixed').textContent(), { timeout: 20_000 }).toContain('Optimizer: Adam');
    await expect.poll(() => student.locator('.link-fixed').textContent()).toContain('Momentum (β1): 0.8');
    await expect.poll(() => student.getByLabel('Optimizer').count()).toBe(0);
    await expect.poll(() => student.getByLabel('Momentum').count()).toBe(0);
    await expect.poll(() => student.getByLabel('Learning rate').inputValue()).toBe('0.003');
    expect(await student.getByLabel('Landscape').inputValue()).toBe(rosenbrock);
    await expect.poll(() => student.getByRole('button', { name: "Use the terrain's start" }).isVisible(), { timeout: 20_000 }).toBe(true);
    // The comparison buttons would turn the hidden knobs: a pinned link leaves them out.
    await expect.poll(() => student.getByRole('region', { name: 'Try the comparison' }).isHidden()).toBe(true);
    expect(await student.getByRole('alert').filter({ hasText: 'could not be used' }).count()).toBe(0);

    // The same setup: the same start and the same loss after the same steps.
    expect(await statusText(student)).toBe(await statusText(teacher));
    const t = await step(teacher, 5);
    const s = await step(student, 5);
    expect(t).toMatch(/^Step [1-9]\d*, loss/);
    expect(s).toBe(t);
    // The student's address keeps the hidden controls (a reload or a re-share stays pinned).
    await expect.poll(() => student.url()).toContain('hide=optimizer,momentum');
    await expect.poll(() => student.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    await framesPainted(student);
    await screenshot(student, 'share-student');
    expect(errors).toEqual([]);
  });

  it('a bad link opens solo with a message naming each bad field, and defaults for those', async () => {
    const page = await open();
    await page.goto(`${url}/?solo&terrain=booth&lr=99&momentum=0.5&schedule=weekly&hide=wings`);
    const alert = page.getByRole('alert').filter({ hasText: 'Part of this link could not be used' });
    await expect.poll(() => alert.isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('“lr”');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('“schedule”');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('“hide”');
    await expect.poll(() => alert.textContent(), { timeout: 20_000 }).toContain('“wings”');
    // The rest applies: Booth, momentum 0.5; lr at the terrain's default (not 99).
    await expect.poll(() => page.getByLabel('Landscape').locator('option:checked').textContent()).toMatch(/Booth/);
    await expect.poll(() => page.getByLabel('Momentum').inputValue()).toBe('0.5');
    expect(Number(await page.getByLabel('Learning rate').inputValue())).toBeLessThan(99);
    await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    await framesPainted(page);
    await screenshot(page, 'share-bad-link');

    // A formula that cannot be drawn: the first terrain, and the reason.
    await page.goto(`${url}/?solo&formula=exp(exp(exp(x)))`);
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: '“formula” could not be drawn' }).isVisible(), { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a challenge link carries a starting setup and hides controls; the plain challenge link still works', async () => {
    const page = await open();
    await page.goto(`${url}/?challenge=rosenbrock-momentum`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 })
      .toContain('Beat Adam with momentum alone');
    await expect.poll(() => page.getByLabel('Learning rate').isVisible(), { timeout: 20_000 }).toBe(true);

    await page.goto(`${url}/?challenge=rosenbrock-momentum&lr=0.0015&momentum=0.5&hide=lr`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 })
      .toContain('Beat Adam with momentum alone');
    await expect.poll(() => page.getByLabel('Learning rate').count()).toBe(0);
    await expect.poll(() => page.getByLabel('Momentum').inputValue()).toBe('0.5');
    await expect.poll(() => page.locator('.link-fixed').textContent(), { timeout: 20_000 }).toContain('Learning rate: 0.0015');
    await expect.poll(() => page.getByText(/^Ready: SGD, lr 0\.0015, momentum 0\.5/).isVisible(), { timeout: 20_000 }).toBe(true);
    // The last hint's setting (lr 0.002, momentum 0.9) turns what is shown; the hidden learning rate stays the link's.
    await page.getByRole('button', { name: 'Show a hint' }).click();
    await page.getByRole('button', { name: 'Show hint 2 of 3' }).click();
    await page.getByRole('button', { name: 'Show hint 3 of 3' }).click();
    await page.getByRole('button', { name: 'Use this setting' }).click();
    await expect.poll(() => page.getByText(/^Ready: SGD, lr 0\.0015, momentum 0\.9/).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    await framesPainted(page);
    await screenshot(page, 'share-challenge-pinned');
    // A value the challenge fixes is refused by name.
    await page.goto(`${url}/?challenge=rosenbrock-momentum&noise=1&lr=0.002`);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: '“noise”' }).textContent(), { timeout: 20_000 }).toContain('fixed');
    await expect.poll(() => page.getByText(/^Ready: SGD, lr 0\.002/).isVisible(), { timeout: 20_000 }).toBe(true);
    // The address follows the student's change.
    await page.getByLabel('Momentum').fill('0.5');
    await expect.poll(() => page.url()).toMatch(/challenge=rosenbrock-momentum&lr=0\.002&momentum=0\.5$/);
    await screenshot(page, 'share-challenge');
    expect(errors).toEqual([]);
  });

  it("a network challenge's link carries the network's build: the same choices shown and the same run in another browser, a hidden choice named", async () => {
    const teacher = await open();
    await teacher.goto(`${url}/?challenge=deep-and-vanishing`);
    const activation = (page: Page) => page.getByLabel('Activation', { exact: true });
    const init = (page: Page) => page.getByLabel('Initialisation', { exact: true });
    await expect.poll(() => activation(teacher).isVisible(), { timeout: 20_000 }).toBe(true);
    await activation(teacher).selectOption('relu');
    await init(teacher).selectOption('he');
    // The address bar follows the network's build, as it follows the knobs.
    await expect.poll(() => teacher.url()).toMatch(/\?challenge=deep-and-vanishing&activation=relu&init=he$/);
    const share = teacher.getByRole('region', { name: 'Share this setup' });
    await share.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => share.getByRole('status').textContent()).toBe('Link copied.');
    const link = await teacher.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(/\?challenge=deep-and-vanishing&activation=relu&init=he$/);
    const verdict = await runToVerdict(teacher);
    const over = (page: Page) => page.getByText(/^Run 1 over:/).textContent();
    const teacherOver = await over(teacher);
    expect(teacherOver).toMatch(/^Run 1 over: /);

    // A student in another browser opens it: relu with He shown, and the same run (the same network, seed 1).
    const student = await open();
    await student.goto(link);
    await expect.poll(() => activation(student).inputValue(), { timeout: 20_000 }).toBe('relu');
    expect(await init(student).inputValue()).toBe('he');
    expect(await student.getByRole('alert').filter({ hasText: 'could not be used' }).count()).toBe(0);
    expect(await runToVerdict(student)).toBe(verdict);
    expect(await over(student)).toBe(teacherOver);
    await screenshot(student, 'share-network-student');

    // Hide the activation in the copied link: it is absent for the next student and named with its value.
    await share.getByRole('button', { name: 'Activation', exact: true }).click();
    await share.getByRole('button', { name: 'Copy link' }).click();
    await expect.poll(() => share.getByRole('status').textContent()).toBe('Link copied, with the chosen controls hidden.');
    const pinned = await teacher.evaluate(() => navigator.clipboard.readText());
    expect(pinned).toMatch(/\?challenge=deep-and-vanishing&activation=relu&init=he&hide=activation$/);
    const pinnedStudent = await open();
    await pinnedStudent.goto(pinned);
    await expect
      .poll(() => pinnedStudent.locator('.link-fixed').textContent(), { timeout: 20_000 })
      .toBe('Some controls are fixed by this link: Activation: relu.');
    await expect.poll(() => init(pinnedStudent).inputValue(), { timeout: 20_000 }).toBe('he');
    expect(await activation(pinnedStudent).count()).toBe(0);
    // What the link fixes is not offered for hiding again; the rest is.
    const pinnedShare = pinnedStudent.getByRole('region', { name: 'Share this setup' });
    await expect.poll(() => pinnedShare.getByRole('button', { name: 'Initialisation', exact: true }).count()).toBe(1);
    expect(await pinnedShare.getByRole('button', { name: 'Activation', exact: true }).count()).toBe(0);
    await expect.poll(() => pinnedStudent.locator('#legend').textContent(), { timeout: 60_000 }).toContain('Loss');
    await framesPainted(pinnedStudent);
    await screenshot(pinnedStudent, 'share-network-pinned-open');
    expect(await runToVerdict(pinnedStudent)).toBe(verdict);
    expect(await over(pinnedStudent)).toBe(teacherOver);
    await expect.poll(() => pinnedStudent.url()).toMatch(/activation=relu&init=he&hide=activation$/);
    await screenshot(pinnedStudent, 'share-network-pinned');
    expect(errors).toEqual([]);
  });

  it('on a 390×844 touch phone: the pinned link opens with its controls hidden, and Copy link confirms', async () => {
    const page = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await page.goto(`${url}/?solo&formula=x^2%20+%203*sin(y)^2&bounds=-2,4,-3,3&lr=0.05&momentum=0.5&hide=terrain,lr,momentum`);
    await expect.poll(() => page.getByText('Some controls are fixed by this link').isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.locator('.link-fixed').textContent()).toContain('Terrain: f(x, y) = x^2 + 3*sin(y)^2');
    await expect.poll(() => page.locator('.link-fixed').textContent(), { timeout: 20_000 }).toContain('Learning rate: 0.05');
    await page.getByRole('tab', { name: 'Terrain' }).tap();
    await expect.poll(() => page.getByLabel('Landscape').isHidden()).toBe(true);
    await expect.poll(() => page.getByLabel('Expression in x and y').isHidden()).toBe(true);
    await page.getByRole('tab', { name: 'Knobs' }).tap();
    await expect.poll(() => page.getByLabel('Optimizer').isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByLabel('Learning rate').count()).toBe(0);
    await expect.poll(() => page.getByLabel('Momentum').count()).toBe(0);
    await page.getByRole('tab', { name: 'Run' }).tap();
    await expect.poll(() => page.locator('#legend').textContent(), { timeout: 30_000 }).toContain('Loss');
    const share = page.getByRole('region', { name: 'Share this setup' });
    const copy = share.getByRole('button', { name: 'Copy link' });
    await copy.scrollIntoViewIfNeeded();
    const size = (await copy.boundingBox())!;
    expect(size.height).toBeGreaterThanOrEqual(44);
    await copy.tap();
    await expect.poll(() => share.getByRole('status').textContent()).toMatch(/^Link copied\.$|copy the link below|select the link below/);
    const link = await share.getByLabel('Link to this setup').inputValue();
    expect(link).toContain('formula=x^2%20+%203*sin(y)^2&bounds=-2,4,-3,3');
    expect(link).toContain('hide=terrain,lr,momentum');
    // Nothing wider than the phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await framesPainted(page);
    await screenshot(page, 'share-phone');
    expect(errors).toEqual([]);
  });
});
