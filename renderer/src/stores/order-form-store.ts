/**
 * The order form's state, kept apart from the market store so that typing re-renders only the form, and so
 * that the book (click a price) and the keyboard shortcuts can set it from outside the form.
 */
import { create } from 'zustand';
import type { FormInput, FormMessage, FormType, Side } from '../lib/build-order';

interface OrderFormState extends FormInput {
  /** Which of the percent buttons produced the amount, so it can be shown as selected. */
  percent: number | null;
  message: FormMessage | null;
  submitting: boolean;
  /** Goes up each time the keyboard asks for the form (B or S): the form then takes the focus. */
  focusRequest: number;
  setSide(side: Side): void;
  /** B or S from anywhere on the screen: that side, and the focus to the form's first field. */
  goToForm(side: Side): void;
  setType(type: FormType): void;
  set(
    patch: Partial<
      Pick<
        OrderFormState,
        | 'price'
        | 'stopPrice'
        | 'amount'
        | 'total'
        | 'percent'
        | 'message'
        | 'submitting'
        | 'timeInForce'
        | 'postOnly'
        | 'trail'
        | 'trailUnit'
        | 'takeProfit'
        | 'stopLoss'
      >
    >,
  ): void;
  /** Clicking a price in the book or the tape. */
  pickPrice(price: string): void;
  clear(): void;
}

const empty = {
  price: '',
  stopPrice: '',
  amount: '',
  total: '',
  percent: null,
  message: null,
  trail: '',
  takeProfit: '',
  stopLoss: '',
} as const;

export const useOrderForm = create<OrderFormState>((set) => ({
  side: 'buy',
  type: 'limit',
  ...empty,
  timeInForce: 'GTC',
  postOnly: false,
  trailUnit: 'percent',
  submitting: false,
  focusRequest: 0,
  setSide: (side) => set({ side, amount: '', total: '', percent: null, message: null }),
  goToForm: (side) =>
    set((s) => ({ side, amount: '', total: '', percent: null, message: null, focusRequest: s.focusRequest + 1 })),
  setType: (type) => set({ type, amount: '', total: '', percent: null, message: null }),
  set: (patch) => set(patch),
  pickPrice: (price) =>
    set((s) => ({
      price,
      // A picked price is a limit price: a market order has none, so switch to limit.
      type: s.type === 'market' ? 'limit' : s.type,
      message: null,
    })),
  clear: () => set({ ...empty }),
}));
