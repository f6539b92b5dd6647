// Runs one case through Grafana's packages, building the scene objects the way a dashboard does.
// Returns Grafana's output, or undefined when Grafana throws (such cases are left out).
'use strict';

const scenes = require('@grafana/scenes');
const data = require('@grafana/data');
const { config } = require('@grafana/runtime');

const realNow = Date.now;

function withNow(now, fn) {
  Date.now = () => now;
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

function customVariable(name, spec) {
  const base = { name, includeAll: false, skipUrlSync: false };
  if (spec === null || typeof spec === 'string' || Array.isArray(spec)) {
    spec = { value: spec };
  }
  if (spec.type === 'constant') {
    return new scenes.ConstantVariable({ name, value: spec.value });
  }
  if (spec.type === 'interval') {
    const auto = {};
    if (spec.autoStepCount !== undefined) {
      auto.autoStepCount = spec.autoStepCount;
      auto.autoMinInterval = spec.autoMinInterval;
    }
    return new scenes.IntervalVariable({ name, value: spec.value, autoEnabled: true, ...auto });
  }
  if (spec.type === 'textbox') {
    return new scenes.TextBoxVariable({ name, value: spec.value });
  }
  const options = (spec.options || []).map((value) => ({ label: value, value }));
  if (spec.all) {
    return new scenes.CustomVariable({
      ...base, options, includeAll: true, allValue: spec.allValue, isMulti: Boolean(spec.multi),
      value: spec.multi ? ['$__all'] : '$__all', text: spec.multi ? ['All'] : 'All',
    });
  }
  const text = spec.text === undefined || spec.text === null ? spec.value : spec.text;
  return new scenes.CustomVariable({
    ...base, options, allValue: spec.allValue, isMulti: Array.isArray(spec.value), value: spec.value, text,
  });
}

function buildScene(input) {
  const time = input.time;
  data.setWeekStart(time.week_start || undefined); // setWeekStart keeps the last week start otherwise
  const variables = Object.entries(input.variables).map(([name, spec]) => customVariable(name, spec));
  const timeRange = new scenes.SceneTimeRange({
    from: time.from, to: time.to, timeZone: time.timezone, weekStart: time.week_start || undefined,
    fiscalYearStartMonth: time.fiscal_year_start_month,
  });
  return new scenes.EmbeddedScene({
    $timeRange: timeRange,
    $variables: new scenes.SceneVariableSet({ variables }),
    body: new scenes.SceneFlexLayout({ children: [] }),
  });
}

function interpolate(input) {
  const globals = input.globals;
  config.bootData.user = {
    ...config.bootData.user, id: globals.user_id, login: globals.user_login, email: globals.user_email,
    orgId: globals.org_id, orgName: globals.org_name,
  };
  const scoped = {};
  if (input.interval) {
    scoped.__interval = { text: input.interval[0], value: input.interval[0] };
    scoped.__interval_ms = { text: String(input.interval[1]), value: input.interval[1] };
  }
  try {
    return withNow(input.time.now, () => {
      const scene = buildScene(input);
      return scenes.sceneGraph.interpolate(scene, input.text, scoped, input.format || undefined);
    });
  } catch (error) {
    return undefined;
  }
}

function msOrNull(value) {
  if (!value || !value.isValid()) {
    return null;
  }
  return value.valueOf();
}

function evaluateTime(input) {
  data.setWeekStart(input.week_start || undefined);
  try {
    return withNow(input.now, () => {
      switch (input.kind) {
        case 'parse':
          return msOrNull(data.dateMath.toDateTime(input.text, {
            roundUp: input.round_up, timezone: input.timezone, fiscalYearStartMonth: input.fiscal_year_start_month,
            now: input.now,
          }));
        case 'range': {
          const range = new scenes.SceneTimeRange({
            from: 'now-6h', to: 'now', timeZone: input.timezone, weekStart: input.week_start || undefined,
            fiscalYearStartMonth: input.fiscal_year_start_month,
          });
          range.urlSync.updateFromUrl({ from: input.from, to: input.to });
          if ((range.state.from === 'now-6h' && input.from !== 'now-6h') || (range.state.to === 'now' && input.to !== 'now')) {
            return null; // Grafana ignores a URL time it cannot read and keeps the default
          }
          const value = range.state.value;
          const from = msOrNull(value.from);
          const to = msOrNull(value.to);
          return from === null || to === null ? null : [from, to];
        }
        case 'interval': {
          const range = { from: data.dateTime(0), to: data.dateTime(input.range_ms) };
          const result = data.rangeUtil.calculateInterval(range, input.max_data_points, input.min_interval || undefined);
          return [result.interval, result.intervalMs];
        }
        case 'format':
          return data.dateTimeFormat(input.ms, { timeZone: input.timezone, format: input.format });
        default:
          throw new Error(`unknown case kind ${input.kind}`);
      }
    });
  } catch (error) {
    return undefined;
  }
}

module.exports = { interpolate, evaluateTime };
