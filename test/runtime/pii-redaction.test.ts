import fc from 'fast-check';
import { PiiRedactor, luhnValid, parseExtraPatterns } from '../../runtime/src/security/pii-redaction';

describe('PII redaction', () => {
  const redactor = new PiiRedactor();

  test.each([
    ['my email is jane.doe+bank@example.co.uk, thanks', 'my email is [EMAIL], thanks'],
    ['card 4111 1111 1111 1111 was declined', 'card [CARD] was declined'],
    ['card 4111-1111-1111-1111', 'card [CARD]'],
    ['call me on +44 20 7946 0958 please', 'call me on [PHONE] please'],
    ['my IBAN is DE89 3704 0044 0532 0130 00', 'my IBAN is [IBAN]'],
  ])('%s', (input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  test('a 16-digit number that fails the Luhn check is not a card (but still too long to be kept as a number)', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(redactor.redact('reference 4111111111111112')).not.toContain('[CARD]');
  });

  test('short numbers such as amounts and dates stay', () => {
    expect(redactor.redact('I paid $50 on 12/03 for order 1234')).toBe('I paid $50 on 12/03 for order 1234');
  });

  test('Luhn check matches generated valid card numbers', () => {
    // Build valid numbers by computing the check digit, then check the redactor finds every one.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }), (body) => {
        const digits = [4, ...body.slice(1)];
        let sum = 0;
        for (let i = 0; i < digits.length; i++) {
          let d = digits[digits.length - 1 - i];
          if (i % 2 === 0) {
            d *= 2;
            if (d > 9) d -= 9;
          }
          sum += d;
        }
        const card = [...digits, (10 - (sum % 10)) % 10].join('');
        expect(luhnValid(card)).toBe(true);
        expect(redactor.redact(`pay with ${card} now`)).toBe('pay with [CARD] now');
      }),
    );
  });

  test('configurable extra patterns, with clear errors', () => {
    const custom = new PiiRedactor(parseExtraPatterns('ACCOUNT=ACC-\\d{6};POLICY=POL\\d+'));
    expect(custom.redact('account ACC-123456 and POL99')).toBe('account [ACCOUNT] and [POLICY]');
    expect(() => parseExtraPatterns('lower=x')).toThrow(/expected NAME=regex/);
    expect(() => parseExtraPatterns('BAD=(')).toThrow(/BAD": invalid regex/);
  });
});
