import { describe, expect, it } from 'vitest';
import { normalizePhone } from './phones.js';

describe('normalizePhone', () => {
  it('keeps international numbers in E.164', () => {
    expect(normalizePhone('+44 161 715 0105')).toEqual({ ok: true, phone: { number: '+441617150105' } });
    expect(normalizePhone('0044 161 715 0105')).toEqual({ ok: true, phone: { number: '+441617150105' } });
  });
  it('splits an x extension off', () => {
    expect(normalizePhone('+1 (212) 555-0100 x890')).toEqual({ ok: true, phone: { number: '+12125550100', extension: '890' } });
    expect(normalizePhone('+1 212 555 0100 ext. 12')).toEqual({ ok: true, phone: { number: '+12125550100', extension: '12' } });
  });
  it('skips a national number without a default country, naming it', () => {
    const r = normalizePhone('(212) 555-0100');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/\(212\) 555-0100.*no \+ and country code/);
  });
  it('converts a national number with the directory default country', () => {
    expect(normalizePhone('(212) 555-0100', 'US')).toEqual({ ok: true, phone: { number: '+12125550100' } });
    expect(normalizePhone('0161 715 0105', 'GB')).toEqual({ ok: true, phone: { number: '+441617150105' } });
  });
  it('rejects a number too short for its country', () => {
    // +1 needs ten national digits; nine must not slip through as +121255512
    expect(normalizePhone('+1 212 555 12').ok).toBe(false);
  });
  it('rejects text that is not a phone number', () => {
    expect(normalizePhone('+1 call me').ok).toBe(false);
    expect(normalizePhone('  ').ok).toBe(false);
  });
  it('answers a repeated main number the same, with each extension kept apart', () => {
    expect(normalizePhone('+1 212 555 0100 x1')).toEqual({ ok: true, phone: { number: '+12125550100', extension: '1' } });
    expect(normalizePhone('+1 212 555 0100 x2')).toEqual({ ok: true, phone: { number: '+12125550100', extension: '2' } });
    expect(normalizePhone('+1 212 555 0100')).toEqual({ ok: true, phone: { number: '+12125550100' } });
    // The same text under another default country is a different question.
    expect(normalizePhone('0161 715 0105', 'GB')).toEqual({ ok: true, phone: { number: '+441617150105' } });
    expect(normalizePhone('0161 715 0105', 'US').ok).toBe(false);
    const bad = normalizePhone('+1 212 555 12 x5');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('+1 212 555 12 x5');
  });
});
