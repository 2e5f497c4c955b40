import fc from 'fast-check';
import { manifestYaml } from '../../constructs/core/manifest-yaml';

// js-yaml (the YAML reader kubectl's behaviour is checked against) ships no types; only load() is used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load: (text: string) => any } = require('js-yaml');

describe('manifestYaml', () => {
  test('strings that YAML would read as something else stay strings', () => {
    const tricky = {
      a: 'yes',
      b: 'null',
      c: '1.0',
      d: '0x1F',
      e: 'key: value',
      f: '# not a comment',
      g: '- item',
      h: '',
      i: '~',
      j: '*ref',
      k: 'ünï "q"',
    };
    expect(yaml.load(manifestYaml(tricky))).toEqual(tricky);
  });

  test('keys that need quoting are quoted (label keys with / and . are not)', () => {
    const doc = { 'app.kubernetes.io/name': 'w', 'needs quoting': 1, 'a:b': true };
    const text = manifestYaml(doc);
    expect(text).toContain('app.kubernetes.io/name: "w"');
    expect(yaml.load(text)).toEqual(doc);
  });

  test('round-trips any JSON document of maps, lists, strings, finite numbers and booleans', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), fc.boolean()),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value, { maxKeys: 5 }), (doc) => {
        expect(yaml.load(manifestYaml(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
      { numRuns: 300 },
    );
  });

  test('refuses what it cannot write', () => {
    expect(() => manifestYaml({ a: null })).toThrow(/cannot write null/);
    expect(() => manifestYaml({ a: Number.NaN })).toThrow(/cannot write NaN/);
  });
});
