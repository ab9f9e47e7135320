import { describe, expect, it } from 'vitest';
import { editGrouped, groupTyped, plainDigits, positionAfter, significantBefore } from './typed-number';
import { parseUnits } from './units';

/** Types `text` at the caret (`|` in `field`) and returns the field with its caret. */
function type(field: string, text: string): string {
  const at = field.indexOf('|');
  const shown = field.replace('|', '');
  const typed = shown.slice(0, at) + text + shown.slice(at);
  const e = editGrouped(shown, typed, at + text.length, 'insertText');
  return e.shown.slice(0, e.caret) + '|' + e.shown.slice(e.caret);
}

function press(field: string, key: 'Backspace' | 'Delete'): string {
  const at = field.indexOf('|');
  const shown = field.replace('|', '');
  const back = key === 'Backspace';
  if (back ? at === 0 : at === shown.length) return field;
  const typed = back ? shown.slice(0, at - 1) + shown.slice(at) : shown.slice(0, at) + shown.slice(at + 1);
  const e = editGrouped(shown, typed, back ? at - 1 : at, back ? 'deleteContentBackward' : 'deleteContentForward');
  return e.shown.slice(0, e.caret) + '|' + e.shown.slice(e.caret);
}

describe('a number field grouped as it is typed', () => {
  it('groups the whole part, keeps the fraction as typed, and parses back exactly', () => {
    let f = '|';
    for (const c of '94000000') f = type(f, c);
    expect(f).toBe('94,000,000|');
    f = type(f, '.');
    expect(f).toBe('94,000,000.|');
    f = type(f, '50');
    expect(f).toBe('94,000,000.50|');
    expect(parseUnits(f.replace('|', ''), 2)).toBe(9_400_000_050n);
    expect(groupTyped('1234567.000')).toBe('1,234,567.000');
    expect(plainDigits('1,2a3.4.5')).toBe('123.45');
  });

  it('keeps the caret after the same digit when typing in the middle, pasting or deleting', () => {
    expect(type('1,23|4', '9')).toBe('12,39|4');
    expect(type('|1,234', '5')).toBe('5|1,234');
    expect(type('12|', '345,678')).toBe('12,345,678|');
    expect(press('12,345|', 'Backspace')).toBe('1,234|');
    expect(press('1,234|', 'Backspace')).toBe('123|');
    expect(press('|1,234', 'Delete')).toBe('|234');
  });

  it('deletes the digit next to a separator rather than the separator', () => {
    expect(press('1,|234', 'Backspace')).toBe('|234');
    expect(press('12,|345', 'Backspace')).toBe('1|,345');
    expect(press('12|,345', 'Delete')).toBe('1,2|45');
  });

  it('drops what is not a number, a second point and leading zeros', () => {
    expect(type('12|', 'k')).toBe('12|');
    expect(type('1.5|', '.')).toBe('1.5|');
    expect(type('0|', '7')).toBe('7|');
    expect(type('0|', '.')).toBe('0.|');
    expect(type('|', '0007')).toBe('7|');
    expect(type('1,234|', '-')).toBe('1,234|');
  });

  it('maps caret positions between plain and grouped text', () => {
    expect(significantBefore('1,234,567', 5)).toBe(4);
    expect(positionAfter('1,234,567', 4)).toBe(5);
    expect(positionAfter('1,234,567', 0)).toBe(0);
    expect(positionAfter('1,234', 99)).toBe(5);
  });
});
