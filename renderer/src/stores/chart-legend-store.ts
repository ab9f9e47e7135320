/**
 * The price chart's OHLC readout: the candle under the crosshair, else the newest, with its studies. A store of
 * its own, written by the chart outside React, so that moving the mouse re-renders only the readout.
 */
import { create } from 'zustand';

/**
 * Legend prices are price units (exact integers of the bar) and volume size units, formatted by the market's
 * rule; the studies are plotted floats (whole quote per coin), rounded to the tick when shown.
 */
interface Legend {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  ma: (number | undefined)[];
  rsi: number | undefined;
}

export const useLegend = create<{ legend: Legend | null }>(() => ({ legend: null }));
