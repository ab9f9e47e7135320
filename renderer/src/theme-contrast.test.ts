/**
 * The theme's colours meet WCAG 2.2 AA in both themes and both up/down colour conventions: 4.5:1 for text, 3:1
 * for the boundaries and states of controls (success criteria 1.4.3 and 1.4.11). The tokens are read from the
 * stylesheets themselves (the dark theme in `:root`, the light theme as its overrides in
 * `:root[data-theme='light']`, green-up/red-down as overrides of either under `data-updown`), and every
 * foreground colour a stylesheet sets on text must be one of the pairs checked here, so a new colour cannot slip
 * in unchecked. Translucent backgrounds are composited over the surface they are drawn on, as the browser does.
 */
import { blend, converter, parse, wcagContrast, type Color } from 'culori';
import { describe, expect, it } from 'vitest';
import styles from './styles.css?raw';
import liveCss from './components/account/live.css?raw';
import rankingCss from './screens/ranking/ranking.css?raw';
import marketCss from './screens/market/market.css?raw';
import alertsCss from './components/market/alerts.css?raw';

const sheets = {
  'styles.css': styles,
  'live.css': liveCss,
  'ranking.css': rankingCss,
  'market.css': marketCss,
  'alerts.css': alertsCss,
};

/** A theme in a colour convention: red up/blue down (the default) or green up/red down. */
type Theme = 'dark' | 'light' | 'dark green-up' | 'light green-up';
const THEMES: Theme[] = ['dark', 'light', 'dark green-up', 'light green-up'];

/** `--name: value;` declarations of the first rule whose selector is exactly `selector`. */
function tokensOf(css: string, selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no rule ${selector}`);
  const body = css.slice(start, css.indexOf('}', start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

// The cascade as the browser applies it: each rule below overrides the ones before it.
const dark = tokensOf(styles, ':root');
const light = new Map([...dark, ...tokensOf(styles, ":root[data-theme='light']")]);
const greenUp = tokensOf(styles, ":root[data-updown='green-up']");
const themes: Record<Theme, Map<string, string>> = {
  dark,
  light,
  'dark green-up': new Map([...dark, ...greenUp]),
  'light green-up': new Map([
    ...light,
    ...greenUp,
    ...tokensOf(styles, ":root[data-theme='light'][data-updown='green-up']"),
  ]),
};

/** A token (`--text`) or a literal colour (`#fff`) in a theme. */
function colour(theme: Theme, ref: string): Color {
  const value = ref.startsWith('--') ? themes[theme].get(ref) : ref;
  if (value === undefined) throw new Error(`no token ${ref}`);
  const parsed = parse(value);
  if (!parsed) throw new Error(`not a colour: ${value}`);
  return parsed;
}

/** `top` painted over `bottom` (source-over), as the browser composites a translucent colour. */
const over = (top: Color, bottom: Color): Color => blend([bottom, top], 'normal');

/** A background: a surface token, or a translucent token over one (`--hover over --panel`). */
function background(theme: Theme, ref: string): Color {
  const [top, , bottom] = ref.split(' ');
  return bottom === undefined ? colour(theme, top) : over(colour(theme, top), colour(theme, bottom));
}

const TEXT = 4.5;
const CONTROL = 3;

/** [foreground, background, least ratio, where the UI draws it]. */
const PAIRS: [string, string, number, string][] = [
  ['--text', '--bg', TEXT, 'screen text, input values'],
  ['--text', '--panel', TEXT, 'panel text, header, navigation on hover'],
  ['--text', '--border', TEXT, 'buttons, the active chip, navigation on hover'],
  ['--text', '--hover over --panel', TEXT, 'an unread notification'],
  ['--muted', '--bg', TEXT, 'placeholders and units in inputs, notes on a screen'],
  ['--muted', '--panel', TEXT, 'labels, column heads, inactive tabs and navigation'],
  ['--muted', '--hover over --panel', TEXT, 'the time of an unread notification'],
  ['--accent', '--panel', TEXT, 'links, badges (Paper trading), the sort and copy states'],
  ['--accent', '--bg', TEXT, 'the back link on hover'],
  ['--accent', '--border', TEXT, 'the active navigation item'],
  ['--up', '--panel', TEXT, 'rising prices, buys'],
  ['--up', '--bg', TEXT, 'rising figures on a screen'],
  ['--danger', '--panel', TEXT, 'errors in panels, danger buttons'],
  ['--danger', '--bg', TEXT, 'errors on a screen'],
  ['--up', '--up-bg over --panel', TEXT, 'bid prices over their depth bar'],
  ['--down', '--panel', TEXT, 'falling prices, sells'],
  ['--down', '--down-bg over --panel', TEXT, 'ask prices over their depth bar'],
  ['--down', '--bg', TEXT, 'falling figures on a screen'],
  ['--ok', '--panel', TEXT, 'the Live and Online badges'],
  ['--ok', '--bg', TEXT, 'the Online badge on Settings'],
  ['#111', '--accent-fill', TEXT, 'primary buttons, the logo, counts'],
  ['#111', '--accent-fill-hover', TEXT, 'a primary button under the pointer'],
  ['#fff', '--up-fill', TEXT, 'the buy button'],
  ['#fff', '--danger-fill', TEXT, 'danger buttons, the unread count'],
  ['#fff', '--down-fill', TEXT, 'the sell button'],
  ['--ma-short', '--panel', TEXT, 'the chart legend: short moving average'],
  ['--ma-long', '--panel', TEXT, 'the chart legend: long moving average'],
  ['--rsi', '--panel', TEXT, 'the chart legend: RSI'],
  ['--study-4', '--panel', TEXT, 'the chart legend: a fourth study'],
  ['--study-5', '--panel', TEXT, 'the chart legend: a fifth study'],
  ['--control', '--panel', CONTROL, 'borders of inputs and selects in panels'],
  ['--control', '--bg', CONTROL, 'borders of inputs and selects on a screen'],
  ['--accent-fill', '--panel', CONTROL, 'primary buttons in panels (Sign in on the live market)'],
  ['--accent-fill', '--bg', CONTROL, 'primary buttons on a screen (Sign in, Create account in Settings)'],
  ['--accent-fill-hover', '--panel', CONTROL, 'a primary button under the pointer, in a panel'],
  ['--accent-fill-hover', '--bg', CONTROL, 'a primary button under the pointer, on a screen'],
  ['--accent', '--panel', CONTROL, 'the focus ring in panels'],
  ['--accent', '--bg', CONTROL, 'the focus ring on a screen'],
];

const toRgb = converter('rgb');

/**
 * The text lightweight-charts writes on a series' last-value label: black or white by its own grey scale of the
 * label's colour on 8-bit channels (ColorParser.generateContrastColors in lightweight-charts 5: above 160, black).
 */
function chartLabelText(fill: Color): '#000' | '#fff' {
  const { r, g, b } = toRgb(fill);
  return 255 * (0.199 * r + 0.687 * g + 0.114 * b) > 160 ? '#000' : '#fff';
}

/** [the colour a chart's last-value label is drawn in, where]. */
const CHART_LABELS: [string, string][] = [
  ['--up-fill', 'the price chart: the last price of a rising candle'],
  ['--down-fill', 'the price chart: the last price of a falling candle'],
  ['--rsi', 'the price chart: the RSI'],
  ['--accent', 'a profile: the equity curve'],
];

describe('theme contrast (WCAG AA)', () => {
  for (const theme of THEMES)
    for (const [fg, bg, least, use] of PAIRS)
      it(`${theme}: ${fg} on ${bg} is at least ${least}:1 (${use})`, () => {
        const measured = wcagContrast(over(colour(theme, fg), background(theme, bg)), background(theme, bg));
        expect(Math.round(measured * 100) / 100).toBeGreaterThanOrEqual(least);
      });

  for (const theme of THEMES)
    for (const [label, use] of CHART_LABELS)
      it(`${theme}: the chart's text on ${label} is at least ${TEXT}:1 (${use})`, () => {
        const fill = colour(theme, label);
        const measured = wcagContrast(chartLabelText(fill), fill);
        expect(Math.round(measured * 100) / 100).toBeGreaterThanOrEqual(TEXT);
      });

  it('green-up swaps the colours of rising and falling, and leaves errors red', () => {
    for (const base of ['dark', 'light'] as const) {
      const green = `${base} green-up` as const;
      // Falling takes the red rising had; rising is green (more green than red or blue).
      expect(themes[green].get('--down')).toBe(themes[base].get('--up'));
      expect(themes[green].get('--down-fill')).toBe(themes[base].get('--up-fill'));
      const up = toRgb(colour(green, '--up'));
      expect(up.g).toBeGreaterThan(up.r);
      expect(up.g).toBeGreaterThan(up.b);
      for (const token of ['--danger', '--danger-fill', '--text', '--panel'])
        expect(themes[green].get(token), token).toBe(themes[base].get(token));
    }
  });

  it('reads the chart library’s text choice as the library makes it', () => {
    // Its candles' own colours in the dark theme: white text, 3.2:1 — why the label takes the fills instead.
    const darkUp = colour('dark', '#f65a66');
    expect(chartLabelText(darkUp)).toBe('#fff');
    expect(wcagContrast('#fff', darkUp)).toBeLessThan(TEXT);
    expect(chartLabelText(colour('dark', '#f0b90b'))).toBe('#000');
  });

  it('checks every colour a stylesheet gives text', () => {
    const checked = new Set(PAIRS.map(([fg]) => fg));
    for (const [name, css] of Object.entries(sheets))
      for (const m of css.matchAll(/(?:^|[\s;{])color:\s*([^;]+);/g)) {
        const value = m[1].trim();
        if (value === 'inherit' || value === 'transparent') continue;
        const ref = /^var\((--[\w-]+)\)$/.exec(value)?.[1] ?? value;
        expect(checked, `${name}: color: ${value}`).toContain(ref);
      }
  });

  it('computes the ratios WCAG publishes, translucent colours composited first', () => {
    expect(wcagContrast(colour('dark', '#000'), colour('dark', '#fff'))).toBeCloseTo(21, 5);
    expect(wcagContrast(colour('dark', '#777'), colour('dark', '#fff'))).toBeCloseTo(4.48, 2);
    // Half-transparent black over white is mid grey (#808080 within rounding).
    expect(wcagContrast(over(colour('dark', 'rgba(0, 0, 0, 0.5)'), colour('dark', '#fff')), '#fff')).toBeCloseTo(
      3.98,
      1,
    );
  });
});
