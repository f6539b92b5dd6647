// Seeded random case inputs: every format x awkward values x single, multi, All and custom All x
// built-ins x time zones (DST edges and browser zones). Inputs only; grafana.js computes the outputs.
'use strict';

const VALUES = [
  'a', 'b', '', 'it\'s', 'say "hi"', 'a,b', 'ünïcødé', '日本語', '1.5', '-1', '0', 'foo bar', 'a.b*c?', '(x|y)',
  '[0]', '$x', '100%', '!\'()*', 'a\\b', '<b>&amp;', '{a}', 'tab\there', 'new\nline', 'x=y&z', '/path/to', '~^$',
  '1594671549254', '2020-07-13', 'emoji 🚀', ' lead', 'trail ', 'a+b', 'C.*', '#hash', '@at:colon;semi',
  '1e3', '0x1F', 'Infinity', ' 12 ', '-0', '.5', '$__all', 'now-1h', '%', 'line\u2028sep', '\u00a0nbsp', 'a:b',
];
const FORMATS = [
  'lucene', 'raw', 'regex', 'pipe', 'distributed', 'csv', 'html', 'json', 'percentencode', 'singlequote',
  'doublequote', 'sqlstring', 'join', 'join:|', 'join: - ', 'glob', 'text', 'queryparam', 'customqueryparam',
  'customqueryparam:p', 'customqueryparam:p:x-', 'uriencode', 'date', 'date:ms', 'date:seconds', 'date:iso',
  'date:YYYY-MM-DD HH:mm:ss', 'nosuchformat',
];
const DATE_FORMATS = [
  'YYYY-MM-DD', 'HH:mm:ss.SSS', 'x', 'X', 'dddd Do MMMM YYYY', 'w ww W WW e E', 'gggg GGGG', 'Z ZZ z',
  'LLLL', 'LT LTS L l', '[at] h:mm a', 'Qo DDDo', 'YY M D H m s', 'k kk A', 'YYYYYY', 'SSSSSS',
  '[[]YYYY[]]', 'YYYY [escaped] MM', 'MMM Do, YYYY h:mm:ss a', 'hmm Hmmss', 'N NNNN y yo', 'DDDD d do dd ddd',
];
const ALL_VALUES = ['.*', '*', '$__all', 'all\'s', '${__from}', '$__interval', '$__range', '$__timezone', '', '${w}'];
const NAMES = ['v', 'x', 'host', 'w'];
const ZONES = ['utc', 'browser', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata',
  'Pacific/Chatham', 'America/Sao_Paulo', 'Europe/London'];
const WEEK_STARTS = [null, null, 'monday', 'sunday', 'saturday', 'friday'];
// DST changes (UTC ms) in the zones above: Berlin/London March and October 2023, New York 2024, Lord Howe 2024.
const DST_EDGES = [1679792400000, 1698541200000, 1710054000000, 1730613600000, 1712415600000, 1728142200000,
  1711846800000, 1729990800000];
const RANGES = [
  ['now-6h', 'now'], ['now/d', 'now/d'], ['now-1d/d', 'now-1d/d'], ['now/w', 'now/w'], ['now-7d', 'now'],
  ['now/fy', 'now/fy'], ['now/M', 'now'], ['now-1y/y', 'now-1y/y'], ['now/fQ', 'now'], ['now-30m', 'now+5m'],
  ['2024-03-10T01:30:00', '2024-03-10T04:00:00'], ['2023-10-29T02:30:00', 'now'],
  ['2020-07-13T20:19:09.254Z', '2020-07-20T09:27:09.747Z'], ['now-1M/M', 'now-1M/M'], ['now-2y/fy', 'now/fy'],
];
const INTERVALS = [null, null, ['30s', 30000], ['1m', 60000], ['200ms', 200], ['1h', 3600000], ['2d', 172800000]];

const pick = (rng, list) => list[Math.floor(rng() * list.length)];
const chance = (rng, p) => rng() < p;

function randomNow(rng) {
  if (chance(rng, 0.35)) {
    return pick(rng, DST_EDGES) + Math.round((rng() - 0.5) * 8 * 3600000);
  }
  return 1420070400000 + Math.floor(rng() * 15 * 365 * 86400000);
}

function values(rng, count) {
  const out = [];
  while (out.length < count) {
    out.push(pick(rng, VALUES));
  }
  return out;
}

function randomVariable(rng) {
  const kind = pick(rng, ['plain', 'single', 'multi', 'multi', 'all', 'customAll', 'null', 'emptyMulti', 'one',
    'constant', 'textbox', 'interval']);
  const options = chance(rng, 0.7) ? values(rng, 1 + Math.floor(rng() * 4)) : [];
  const dedupe = [...new Set(options)];
  switch (kind) {
    case 'plain':
      return pick(rng, VALUES);
    case 'constant':
      return { type: 'constant', value: pick(rng, [...VALUES, '${__from}', '$w', '${x:csv}', '$__timezone']) };
    case 'textbox':
      return { type: 'textbox', value: pick(rng, VALUES) };
    case 'interval': {
      const spec = { type: 'interval', value: pick(rng, ['$__auto', '$__auto', '1m', '10m', '1d', '30s']) };
      if (chance(rng, 0.4)) {
        spec.autoStepCount = pick(rng, [1, 10, 50, 200]);
        spec.autoMinInterval = pick(rng, ['1s', '10s', '1m', '5m']);
      }
      return spec;
    }
    case 'null':
      return null;
    case 'emptyMulti':
      return [];
    case 'one':
      return values(rng, 1);
    case 'single': {
      const value = chance(rng, 0.6) && dedupe.length ? pick(rng, dedupe) : pick(rng, VALUES);
      const spec = { value, options: dedupe };
      if (chance(rng, 0.4)) {
        spec.text = pick(rng, VALUES);
      }
      if (chance(rng, 0.3)) {
        spec.allValue = pick(rng, ALL_VALUES.filter(Boolean));
      }
      return spec;
    }
    case 'multi': {
      const value = dedupe.length && chance(rng, 0.6) ? dedupe.slice(0, 1 + Math.floor(rng() * dedupe.length))
        : values(rng, 2 + Math.floor(rng() * 3));
      const spec = { value, options: dedupe };
      if (chance(rng, 0.4)) {
        spec.text = value.map(() => pick(rng, VALUES));
      }
      return spec;
    }
    case 'all':
      return { all: true, options: dedupe };
    default:
      return { all: true, allValue: pick(rng, ALL_VALUES.filter(Boolean)), options: dedupe };
  }
}

function fieldPath(rng) {
  return pick(rng, ['.0', '.1', '.2', '.foo', '[0]', '[1]', '["a"]', '.length', '.0.x', '.-1', '["0"]', '.0.length']);
}

function variableExpression(rng, names) {
  const name = pick(rng, names);
  const fmt = chance(rng, 0.15) ? 'date:' + pick(rng, DATE_FORMATS) : pick(rng, FORMATS);
  switch (Math.floor(rng() * 7)) {
    case 0:
      return '$' + name;
    case 1:
      return '${' + name + '}';
    case 2:
      return '[[' + name + (chance(rng, 0.5) ? ':' + fmt.split(':')[0] : '') + ']]';
    case 3:
      return '${' + name + fieldPath(rng) + (chance(rng, 0.5) ? ':' + fmt : '') + '}';
    default:
      return '${' + name + ':' + fmt + '}';
  }
}

function builtinExpression(rng) {
  const fmt = pick(rng, [...FORMATS, 'date:' + pick(rng, DATE_FORMATS), 'text']);
  return pick(rng, [
    '$__from', '$__to', '${__from}', '${__to:' + fmt + '}', '${__from:' + fmt + '}', '${__from:date:' +
    pick(rng, DATE_FORMATS) + '}', '${__to:text}', '$__timezone', '${__timezone:' + fmt + '}', '$__interval',
    '${__interval_ms}', '${__interval:' + fmt + '}', '${__user.login}', '${__user.email}', '${__user.id}',
    '$__user', '${__org.name}', '$__org', '${__org.id:' + fmt + '}', '$__all_variables', '${__url_time_range}',
    '$__range', '${__range_ms}', '$nope', '${nope:csv}', '$__interval_msx', '$$v', '${v', '$__from$__to',
    '${__interval.length}', '${__interval_ms.0}', '${__from.foo}', '${__timezone:text}',
    '${__user.login:queryparam}', '${__org:text}', '${__all_variables:csv}', '$__url_time_range',
  ]);
}

function makeInterpolationCase(rng, browserZone) {
  const count = 1 + Math.floor(rng() * 3);
  const names = NAMES.slice(0, count);
  const variables = {};
  for (const name of names) {
    variables[name] = randomVariable(rng);
  }
  const pieces = [];
  const parts = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < parts; i++) {
    pieces.push(chance(rng, 0.3) ? builtinExpression(rng) : variableExpression(rng, names));
  }
  const separators = [' ', ',', ' AND ', ' = ', '\'', ''];
  const text = pieces.reduce((acc, piece) => (acc ? acc + pick(rng, separators) : '') + piece, '');
  const [from, to] = pick(rng, RANGES);
  return {
    text: chance(rng, 0.3) ? `SELECT * FROM t WHERE k IN (${text})` : text,
    variables,
    format: pick(rng, [null, null, 'csv', 'glob', 'sqlstring']),
    time: {
      from, to, timezone: pick(rng, ZONES), now: randomNow(rng), week_start: pick(rng, WEEK_STARTS),
      fiscal_year_start_month: chance(rng, 0.6) ? 0 : Math.floor(rng() * 12),
    },
    browser_timezone: browserZone,
    interval: pick(rng, INTERVALS),
    globals: {
      user_login: pick(rng, ['admin', 'o\'brien', 'ünï']), user_email: pick(rng, ['a@b.c', '']),
      user_id: 1 + Math.floor(rng() * 50), org_name: pick(rng, ['Main Org.', 'Ops & Co', 'ORG']),
      org_id: 1 + Math.floor(rng() * 5),
    },
  };
}

const MATH = ['', '-6h', '+1d', '/d', '-1d/d', '/w', '-1w/w', '/M', '-1M/M', '/y', '/fy', '-1fy', '/fQ', '-2Q/Q',
  '/h', '-90m/m', '+1y-2M', '- 3 d', '-123456s', '-1234567s', '/x', '/2d', '-1fQ/fQ', '+10w', '-s', '/s',
  '-12345s', '-123456m', '+1.5h', '-1w+1d/d', '/fM', '-0d'];

function makeTimeCase(rng, browserZone) {
  const now = randomNow(rng);
  const base = { browser_timezone: browserZone, now, week_start: pick(rng, WEEK_STARTS),
    fiscal_year_start_month: chance(rng, 0.5) ? 0 : Math.floor(rng() * 12) };
  const timezone = pick(rng, ZONES);
  const roll = rng();
  if (roll < 0.5) {
    const anchor = pick(rng, ['now', 'now', 'now', '2024-03-10T02:30:00||', '2023-10-29T02:30:00||',
      '2020-07-13T20:19:09.254Z||', '2021-01-01||', '2020-02-29T12:00:00+05:30||']);
    const math = pick(rng, MATH) + (chance(rng, 0.3) ? pick(rng, MATH) : '');
    const text = anchor.endsWith('||') && !math ? anchor.slice(0, -2) : anchor + math;
    return { kind: 'parse', text, round_up: chance(rng, 0.5), timezone, ...base };
  }
  if (roll < 0.75) {
    const from = pick(rng, ['now-6h', 'now/d', 'now-1w/w', 'now/fy', '20230523', '20230523T101500', '1594671549254',
      '2023-05-23 10:15:00', '2023-05-23T10:15:00.000Z', '2024-03-10T02:30:00', 'garbage', '6h', '1700000000',
      '20231399', '2023-5-1x', '20230523T1015', '12345678', 'now-6h/h', '2023-05-23T10:15:00+02:00']);
    const to = pick(rng, ['now', 'now/d', 'now/w', 'now/fy', '20230524', '1595237229747', '2024-11-03 01:30:00']);
    return { kind: 'range', from, to, timezone, ...base };
  }
  if (roll < 0.9) {
    const range = Math.floor(10 ** (rng() * 11));
    return { kind: 'interval', range_ms: range, max_data_points: pick(rng, [1, 100, 500, 1000, 1337, 11000]),
      min_interval: pick(rng, [null, null, '10s', '1m', '500ms', '1h', '30']), ...base };
  }
  return { kind: 'format', ms: randomNow(rng), format: pick(rng, ['YYYY-MM-DD HH:mm:ss', ...DATE_FORMATS]),
    timezone, ...base };
}

module.exports = { makeInterpolationCase, makeTimeCase };
