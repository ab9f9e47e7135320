/**
 * The chart's indicator picker: a button in the chart's head opening a small panel that lists the chosen
 * studies (each with its settings and a remove button) and adds another. Every change is kept by the host
 * (stores/chart-indicators-store); a setting typed out of its bounds is shown as invalid and not kept.
 */
import { useEffect, useState } from 'react';
import {
  ChartIndicator,
  MAX_CHART_INDICATORS,
  type ChartIndicator as Study,
  type ChartIndicatorKind,
} from '@protocol/chart-indicators';
import { fill, useT } from '../../i18n';
import { useChartIndicators } from '../../stores/chart-indicators-store';
import { studyName } from './chart-studies';
import './indicator-picker.css';
import { usePopover } from '../use-popover';

const KINDS: ChartIndicatorKind[] = ['ma', 'ema', 'bollinger', 'rsi', 'macd', 'volume'];

/** A new study of a kind, with the settings traders start from. */
function fresh(kind: ChartIndicatorKind): Study {
  switch (kind) {
    case 'ma':
      return { kind, period: 20 };
    case 'ema':
      return { kind, period: 20 };
    case 'bollinger':
      return { kind, period: 20, deviations: 2 };
    case 'rsi':
      return { kind, period: 14 };
    case 'macd':
      return { kind, fast: 12, slow: 26, signal: 9 };
    case 'volume':
      return { kind };
  }
}

/** The numeric settings of a study, in the order they are shown. */
const FIELDS: Record<ChartIndicatorKind, { key: string; label: string; step?: number }[]> = {
  ma: [{ key: 'period', label: 'chart.indicator.period' }],
  ema: [{ key: 'period', label: 'chart.indicator.period' }],
  bollinger: [
    { key: 'period', label: 'chart.indicator.period' },
    { key: 'deviations', label: 'chart.indicator.deviations', step: 0.1 },
  ],
  rsi: [{ key: 'period', label: 'chart.indicator.period' }],
  macd: [
    { key: 'fast', label: 'chart.indicator.fast' },
    { key: 'slow', label: 'chart.indicator.slow' },
    { key: 'signal', label: 'chart.indicator.signal' },
  ],
  volume: [],
};

/** One numeric setting: typed freely, kept (onValid) only when the whole study still validates. */
function SettingInput({
  label,
  value,
  step,
  check,
  onValid,
}: {
  label: string;
  value: number;
  step?: number;
  check(v: number): boolean;
  onValid(v: number): void;
}) {
  const [text, setText] = useState(String(value));
  useEffect(() => setText(String(value)), [value]);
  const n = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(n) && check(n);
  return (
    <label className="study-setting">
      <span className="muted">{label}</span>
      <input
        type="number"
        inputMode="decimal"
        step={step ?? 1}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v) && check(v)) onValid(v);
        }}
      />
    </label>
  );
}

export function IndicatorPicker() {
  const t = useT();
  const indicators = useChartIndicators((s) => s.indicators);
  const error = useChartIndicators((s) => s.error);
  const { open, setOpen, root } = usePopover();
  const [kind, setKind] = useState<ChartIndicatorKind>('ema');

  const list = indicators ?? [];
  const choose = (next: Study[]) => void useChartIndicators.getState().choose(next);
  const full = list.length >= MAX_CHART_INDICATORS;
  const hasVolume = list.some((s) => s.kind === 'volume');

  return (
    <div className="study-picker" ref={root}>
      <button
        type="button"
        className={open ? 'chip active' : 'chip'}
        aria-expanded={open}
        aria-haspopup="dialog"
        disabled={indicators === null}
        onClick={() => setOpen((o) => !o)}
      >
        {t('chart.indicators')}
      </button>
      {open && (
        <div className="study-panel panel" role="dialog" aria-label={t('chart.indicators')}>
          {list.length === 0 && <p className="muted">{t('chart.indicators.none')}</p>}
          <ul className="study-list">
            {list.map((study, i) => {
              const { id, label } = studyName(study);
              return (
                <li key={i} data-study={id}>
                  <span className="study-kind">{t(`chart.indicator.${study.kind}`)}</span>
                  {FIELDS[study.kind].map((f) => (
                    <SettingInput
                      key={f.key}
                      label={t(f.label as 'chart.indicator.period')}
                      value={(study as unknown as Record<string, number>)[f.key]}
                      step={f.step}
                      check={(v) => ChartIndicator.safeParse({ ...study, [f.key]: v }).success}
                      onValid={(v) =>
                        choose(list.map((s, j) => (j === i ? ChartIndicator.parse({ ...s, [f.key]: v }) : s)))
                      }
                    />
                  ))}
                  <button
                    type="button"
                    className="link-button"
                    aria-label={fill(t('chart.indicators.remove'), label)}
                    onClick={() => choose(list.filter((_, j) => j !== i))}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
          <div className="study-add">
            <select
              aria-label={t('chart.indicators.kind')}
              value={kind}
              onChange={(e) => setKind(e.target.value as ChartIndicatorKind)}
            >
              {KINDS.map((k) => (
                <option key={k} value={k} disabled={k === 'volume' && hasVolume}>
                  {t(`chart.indicator.${k}`)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button"
              disabled={full || (kind === 'volume' && hasVolume)}
              onClick={() => choose([...list, fresh(kind)])}
            >
              {t('chart.indicators.add')}
            </button>
          </div>
          {full && <p className="muted small-note">{fill(t('chart.indicators.full'), MAX_CHART_INDICATORS)}</p>}
          {error && (
            <p className="error small-note" role="alert">
              {fill(t('chart.indicators.saveFailed'), error)}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
