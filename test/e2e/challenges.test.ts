import { describe, expect, it } from 'vitest';
import { challengeCatalogue } from '@gradient-rally/shared';
import { watchErrors } from './harness';
import { challengeTestBed, mapDrawn, runToVerdict, shot } from './challengeScreen';

/**
 * Guided challenges in a real browser (issue 10): the list from the landing
 * page, a challenge played to a pass by turning its one knob (after a run
 * that does not pass and a hint), the stars and the explanation, progress
 * kept over a reload, a challenge opened by its link; on a phone with
 * touch, a start chosen by tapping the terrain, and a network challenge built
 * from its selects and played to a pass.
 */
const bed = challengeTestBed();

describe('challenges', () => {
  it('are listed from the landing page, played to a pass, and remembered', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/`);
    await page.getByRole('button', { name: 'Challenges' }).click();
    const list = page.getByRole('list', { name: 'Challenges' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(challengeCatalogue().length);
    expect(page.url()).toMatch(/\?challenges$/);
    await shot(page, 'list-desktop', true);

    await list.getByRole('link', { name: 'Momentum in a long valley' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('only momentum may change');
    expect(page.url()).toMatch(/\?challenge=matyas-momentum$/);
    await mapDrawn(page);
    // Only the knob the challenge lets the student turn is shown.
    expect(await page.getByLabel('Momentum').count()).toBe(1);
    expect(await page.getByLabel('Learning rate').count()).toBe(0);
    expect(await page.getByLabel('Gradient noise').count()).toBe(0);

    // The initial setup does not pass.
    expect(await runToVerdict(page)).toBe('Not yet');
    expect(await page.getByRole('region', { name: 'Result' }).textContent()).toMatch(/Not yet: .*seconds to reach loss/);

    // Hints come one at a time.
    const hints = page.getByRole('list', { name: 'Hints' });
    await page.getByRole('button', { name: 'Show a hint' }).click();
    expect(await hints.getByRole('listitem').count()).toBe(1);
    await page.getByRole('button', { name: 'Show hint 2 of 3' }).click();
    expect(await hints.getByRole('listitem').count()).toBe(2);
    await shot(page, 'task-and-hints-desktop');

    await page.getByLabel('Momentum').fill('0.9');
    expect(await runToVerdict(page)).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    const stars = Number(/(\d) of 3 stars/.exec((await result.getByLabel(/of 3 stars/).getAttribute('aria-label')) ?? '')![1]);
    expect(stars).toBeGreaterThanOrEqual(1);
    expect(await result.textContent()).toContain('Why it worked');
    expect(await result.textContent()).toContain('Matyas is a quadratic valley');
    expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
    // The pictures are shared's, drawn beside the text: here the curvature's directions at the end point, over the terrain and the path.
    expect(await result.getByRole('img', { name: /The curvature where your racer ended/ }).count()).toBe(1);
    await expect.poll(() => result.locator('canvas').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await shot(page, 'passed-desktop');

    // Progress survives a reload: the list shows the stars.
    await page.goto(`${bed.url}/?challenges`);
    await page.reload();
    const item = page.getByRole('listitem').filter({ hasText: 'Momentum in a long valley' });
    expect(await item.getByLabel(`Passed, ${stars} of 3 stars`).count()).toBe(1);
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: /Passed 1 of \d+ playable/ })
        .count(),
    ).toBe(1);

    // Any challenge opens directly by its link, its own knobs shown.
    await page.goto(`${bed.url}/?challenge=booth-edge`);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('The edge of stability');
    expect(await page.getByLabel('Learning rate').count()).toBe(1);
    expect(await page.getByLabel('Momentum').count()).toBe(0);
    await page.getByLabel('Learning rate').fill('0.108');
    await page.getByLabel('Learning rate').press('Enter');
    expect(await runToVerdict(page)).toBe('Passed!');
    expect(await page.getByRole('region', { name: 'Result' }).textContent()).toContain('Booth is a quadratic bowl');
    // Its picture includes the curvature's eigen-directions: the ellipse is switched on at the end point.
    expect(await page.getByLabel('Curvature ellipse and point type').isChecked()).toBe(true);
    await shot(page, 'passed-booth-desktop');

    // An unknown id says so and leads back to the list.
    await page.goto(`${bed.url}/?challenge=no-such-thing`);
    expect(await page.getByRole('alert').filter({ hasText: 'no challenge called' }).count()).toBe(1);
    await page.close();
  });

  it('plays on a phone: the start chosen by tapping the terrain', async () => {
    const context = await bed.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/?challenges`);
    await expect.poll(() => page.getByRole('list', { name: 'Challenges' }).getByRole('listitem').count()).toBe(challengeCatalogue().length);
    await shot(page, 'list-phone');
    await page.getByRole('link', { name: 'Pick your basin' }).tap();
    await mapDrawn(page);
    await shot(page, 'task-phone');
    // No knob to turn here: only the start.
    expect(await page.getByLabel('Learning rate').count()).toBe(0);
    expect(await runToVerdict(page)).toBe('Not yet');

    // Tap the terrain's lower-left quadrant (the deepest basin's).
    const box = (await page.locator('#arena').boundingBox())!;
    await page.touchscreen.tap(box.x + box.width * 0.25, box.y + box.height * 0.72);
    await expect.poll(() => page.getByRole('button', { name: 'Use the challenge’s start' }).isVisible()).toBe(true);
    expect(await runToVerdict(page)).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('Styblinski–Tang has one basin per quadrant');
    expect(await result.getByRole('img', { name: /Your path over the terrain/ }).count()).toBe(1);
    await shot(page, 'passed-phone');
    await shot(page, 'passed-phone-full', true);
    await context.close();
  });

  it('plays a network challenge on a phone: the network built from its selects, the layer gradients shown before and after', async () => {
    const context = await bed.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/?challenges`);
    const item = page.getByRole('listitem').filter({ hasText: 'Deep and vanishing' });
    await item.getByRole('link', { name: 'Deep and vanishing' }).tap();
    expect(page.url()).toMatch(/\?challenge=deep-and-vanishing$/);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('six-layer network');
    await mapDrawn(page);
    const gradients = page.getByRole('region', { name: 'Layer gradients' });
    // Six sigmoid layers: the first layer's gradient starts below 1/100 of the last's, and the panel says so before any run.
    expect(await gradients.getByRole('status').textContent()).toContain('below 1/100');
    expect(await gradients.getByRole('img', { name: /layer 1: .*layer 7: / }).count()).toBe(1);
    for (const name of ['Activation', 'Initialisation', 'Learning rate']) {
      const box = (await page.getByLabel(name).boundingBox())!;
      expect(box.height, name).toBeGreaterThanOrEqual(44);
    }
    await shot(page, 'network-task-phone');
    await shot(page, 'network-task-phone-full', true);
    expect(await runToVerdict(page)).toBe('Not yet');
    expect(await page.getByRole('region', { name: 'Result' }).textContent()).toContain('the gradients vanished');

    // The third hint's setting, chosen by hand in the selects: tanh with Xavier.
    await page.getByLabel('Activation').selectOption('tanh');
    await page.getByLabel('Initialisation').selectOption('xavier');
    await expect.poll(() => gradients.getByRole('status').textContent()).toContain('at least 1/100');
    expect(await runToVerdict(page)).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('Why it worked');
    expect(await result.textContent()).toContain('With tanh, whose slope is 1 at zero');
    expect(await result.getByRole('img', { name: /Gradient size per layer, at the start/ }).count()).toBe(1);
    expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
    await result.scrollIntoViewIfNeeded();
    await shot(page, 'network-passed-phone');
    await shot(page, 'network-passed-phone-full', true);
    await context.close();
  });

  it('plays weight decay on a desktop: λ typed in, ‖w‖ shown as it trains, the hint’s setting passes', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/?challenge=keep-the-weights-small`);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('Keep the weights small');
    const lambda = page.getByLabel('Weight decay λ');
    expect(await lambda.inputValue()).toBe('0');
    const network = page.getByRole('region', { name: 'Network' });
    expect(await runToVerdict(page)).toBe('Not yet');
    // Without decay the weights grow past the goal's 1.2, and the readout shows it.
    const grown = Number(/start: ([\d.]+)/.exec((await network.getByRole('status').textContent()) ?? '')![1]);
    expect(grown).toBeGreaterThan(1.2);
    // A λ outside the control's range is refused, naming the field.
    await lambda.fill('3');
    await lambda.press('Enter');
    await expect.poll(() => network.getByRole('alert').textContent()).toContain('Weight decay λ must be a number from 0 to 0.1');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: /Show (a hint|hint \d of 3)/ }).click();
    await page.getByRole('button', { name: 'Use this setting' }).click();
    expect(await lambda.inputValue()).toBe('0.005');
    expect(await runToVerdict(page)).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('Weight decay adds (λ/2)‖w‖²');
    expect(await result.getByRole('img', { name: /Loss of your run/ }).count()).toBe(1);
    // The arena draws this attempt's own network (a slice through its starting weights) once the worker has it.
    await mapDrawn(page);
    await shot(page, 'network-weight-decay-passed-desktop');
    await page.close();
  });

  it('plays the initial-scale challenge: the loss and gradients at the start change with the scale typed in', async () => {
    const page = await bed.browser.newPage({ viewport: { width: 1400, height: 900 } });
    watchErrors(page, bed.errors);
    await page.goto(`${bed.url}/?challenge=just-the-right-size`);
    await expect.poll(() => page.getByRole('region', { name: 'Goal' }).textContent()).toContain('three times too large');
    const gradients = page.getByRole('region', { name: 'Layer gradients' });
    const startLoss = async () => Number(/Loss at the start: ([\d.]*\d(?:e[+-]?\d+)?)/.exec((await gradients.textContent()) ?? '')![1]);
    expect(await startLoss()).toBeGreaterThan(10);
    expect(await runToVerdict(page)).toBe('Not yet');
    const scale = page.getByLabel('Initial scale (1 = the scheme’s own size)');
    await scale.fill('1');
    await scale.press('Enter');
    await expect.poll(startLoss).toBeLessThan(10);
    expect(await runToVerdict(page)).toBe('Passed!');
    const result = page.getByRole('region', { name: 'Result' });
    expect(await result.textContent()).toContain('He initialisation draws each weight with variance 2');
    expect(await result.getByRole('img', { name: /Gradient size per layer, at the start/ }).count()).toBe(1);
    await mapDrawn(page);
    await shot(page, 'network-init-scale-passed-desktop', true);
    await page.close();
  });
});
