// JavaScript's Date.prototype.toISOString for epoch milliseconds: the text cqlscope gives a timestamp
// (including the signed six-digit years outside 0..9999), as the browser writes it.
//
//   node isotime.js [--seed N] [--out DIR]   -> DIR/iso_time.json
'use strict';

const fs = require('fs');
const path = require('path');
const { mulberry32 } = require('./rng.js');

const args = { seed: 20261130, out: path.join(__dirname, '..', 'vectors') };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const key = argv[i].replace(/^--/, '');
  args[key] = key === 'out' ? argv[i + 1] : Number(argv[i + 1]);
}

const LIMIT = 8.64e15; // the Date range
const edges = [
  0, -1, 1, 999, -999, 1594671549254, 253402300799999, 253402300800000, -62135596800000, -62135596800001,
  -62167219200000, -62167219200001, -62198755200000, 951782400000, 951868799999, 4107542400000, -2208988800001,
  LIMIT, -LIMIT, LIMIT - 1, -LIMIT + 1,
];
const rng = mulberry32(args.seed);
const random = [];
for (let i = 0; i < 400; i++) {
  // Spread over magnitudes: years near now, centuries, and the whole range.
  const scale = [1e12, 1e14, 1e15, LIMIT][i % 4];
  random.push(Math.trunc((rng() * 2 - 1) * scale));
}
const cases = [...edges, ...random].map((ms) => ({ ms, expected: new Date(ms).toISOString() }));
const body = { generator: 'conformance/js/isotime.js', seed: args.seed, node: process.version, cases };
const text = '{\n' + Object.entries(body).map(([key, value]) =>
  key === 'cases'
    ? `  "cases": [\n${value.map((item) => '    ' + JSON.stringify(item)).join(',\n')}\n  ]`
    : `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n') + '\n}\n';
fs.mkdirSync(args.out, { recursive: true });
fs.writeFileSync(path.join(args.out, 'iso_time.json'), text);
process.stderr.write(`iso_time.json: ${cases.length} cases\n`);
