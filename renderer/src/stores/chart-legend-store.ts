/**
 * The price chart's OHLC readout: the candle under the crosshair, else the newest, with its studies. A store of
 * its own, written by the chart outside React, so that moving the mouse re-renders only the readout.
 */
import { create } from 'zustand';

/** A study's values at the candle (plotted floats, NaN: none yet), with how the legend names and colours it. */
export interface LegendStudy {
  id: string;
  label: string;
  kind: 'ma' | 'ema' | 'bollinger' | 'rsi' | 'macd' | 'volume';
  colour: string;
  values: number[];
}

/**
 * Legend prices are price units (exact integers of the bar) and volume size units, formatted by the market's
 * rule; the studies are plotted floats (whole quote per coin), rounded to the tick when shown.
 */
interface Legend {
  /** Open time of the candle read out, ms UTC. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  studies: LegendStudy[];
}

export const useLegend = create<{ legend: Legend | null }>(() => ({ legend: null }));
