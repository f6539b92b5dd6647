// Grafana front-end conformance vectors: seeded random cases run through Grafana's own published
// packages (@grafana/scenes sceneGraph.interpolate, @grafana/data dateMath, rangeUtil, moment-timezone).
//
//   node generate.js [--seed N] [--out DIR] [--interpolation N] [--timerange N]
//   TZ=<zone> node generate.js --eval FILE   (Grafana's outputs for the cases in FILE, for the differential round)
//
// The parent runs one worker process per browser time zone (TZ must be set before moment loads) and
// writes DIR/interpolation.json and DIR/timerange.json. Each case holds its inputs and Grafana's output.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { mulberry32 } = require('./rng.js');
const { makeInterpolationCase, makeTimeCase } = require('./cases.js');

const BROWSER_ZONES = [
  'UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/Sao_Paulo',
  'Pacific/Chatham', 'Asia/Kathmandu',
];
const VERSIONS = { '@grafana/scenes': '9.2.2', '@grafana/data': '13.2.3' };

function parseArgs(argv) {
  const args = { seed: 20260530, out: path.join(__dirname, '..', 'vectors'), interpolation: 1200, timerange: 480 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    args[key] = ['out', 'worker', 'eval'].includes(key) ? argv[i + 1] : Number(argv[i + 1]);
  }
  return args;
}

function runWorker(args) {
  require('./env.js');
  const grafana = require('./grafana.js');
  const rng = mulberry32(args.seed);
  const zone = args.worker;
  const interpolation = [];
  const timerange = [];
  let guard = 0;
  while (interpolation.length < args.interpolation && guard++ < args.interpolation * 5) {
    const input = makeInterpolationCase(rng, zone);
    const expected = grafana.interpolate(input);
    if (expected !== undefined) {
      interpolation.push({ ...input, expected });
    }
  }
  guard = 0;
  while (timerange.length < args.timerange && guard++ < args.timerange * 5) {
    const input = makeTimeCase(rng, zone);
    const expected = grafana.evaluateTime(input);
    if (expected !== undefined) {
      timerange.push({ ...input, expected });
    }
  }
  process.stdout.write(JSON.stringify({ interpolation, timerange }));
}

function runParent(args) {
  const interpolation = [];
  const timerange = [];
  const share = (total, index) => Math.floor(total / BROWSER_ZONES.length) + (index < total % BROWSER_ZONES.length ? 1 : 0);
  BROWSER_ZONES.forEach((zone, index) => {
    const child = spawnSync(process.execPath, [
      __filename, '--worker', zone, '--seed', String(args.seed * 31 + index),
      '--interpolation', String(share(args.interpolation, index)), '--timerange', String(share(args.timerange, index)),
    ], { env: { ...process.env, TZ: zone, NODE_ENV: 'production' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    if (child.status !== 0) {
      process.stderr.write(child.stderr);
      throw new Error(`worker for ${zone} failed`);
    }
    const result = JSON.parse(child.stdout);
    interpolation.push(...result.interpolation);
    timerange.push(...result.timerange);
  });
  fs.mkdirSync(args.out, { recursive: true });
  const write = (name, cases) => {
    const body = { generator: 'conformance/js/generate.js', seed: args.seed, versions: VERSIONS, cases };
    const text = '{\n' + Object.entries(body).map(([key, value]) =>
      key === 'cases'
        ? `  "cases": [\n${value.map((item) => '    ' + JSON.stringify(item)).join(',\n')}\n  ]`
        : `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(',\n') + '\n}\n';
    fs.writeFileSync(path.join(args.out, name), text);
    process.stderr.write(`${name}: ${cases.length} cases\n`);
  };
  write('interpolation.json', interpolation);
  write('timerange.json', timerange);
}

function runEval(args) {
  require('./env.js');
  const grafana = require('./grafana.js');
  const input = JSON.parse(fs.readFileSync(args.eval, 'utf8'));
  const wrap = (value) => (value === undefined ? { ok: false } : { ok: true, value });
  const output = {
    interpolation: (input.interpolation || []).map((item) => wrap(grafana.interpolate(item))),
    timerange: (input.timerange || []).map((item) => wrap(grafana.evaluateTime(item))),
  };
  process.stdout.write(JSON.stringify(output));
}

const args = parseArgs(process.argv.slice(2));
if (args.eval) {
  runEval(args);
} else if (args.worker) {
  runWorker(args);
} else {
  runParent(args);
}
