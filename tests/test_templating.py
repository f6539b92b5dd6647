"""Template-variable interpolation, checked against Grafana's and grafana/scenes' own test cases.

Sources: scenes `variables/interpolation/formatRegistry.test.ts` and `sceneInterpolator.test.ts`,
grafana `public/app/features/templating/template_srv.test.ts`, and the global-variables docs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.grafana.browser_zone_ids import browser_zone_id
from core.grafana.globals import GrafanaGlobals
from core.grafana.templating import (
    FORMATS,
    InterpolationResult,
    TemplateRecursionError,
    Variable,
    VariablesFileError,
    dump_variables,
    interpolate,
    load_variables,
    save_variables,
)
from core.grafana.timerange import Interval, TimeRange, calculate_interval, local_zone_name, time_range
from tests.support import run_cli

FROM_MS = 1594671549254  # template_srv.test.ts "date formating"
TO_MS = 1595237229747
RANGE = TimeRange(FROM_MS, TO_MS, str(FROM_MS), str(TO_MS), "utc")


def render(text: str, variables: dict[str, Any] | None = None, **options: Any) -> str:
    options.setdefault("browser_timezone", "UTC")
    return interpolate(text, load_variables(variables or {}), **options).text


def server(value: Any, fmt: str) -> str:
    """formatRegistry.test.ts formatValue(): a variable named "server" with one format."""
    return render(f"${{server:{fmt}}}", {"server": value})


# -- every format, single and multi value -----------------------------------------------------------

# formatRegistry.test.ts 'Can format values according to format' (numbers given as strings here).
@pytest.mark.parametrize(("fmt", "value", "expected"), [
    ("lucene", "foo bar", "foo\\ bar"),
    ("lucene", "-1", "-1"),
    ("lucene", "-test", "\\-test"),
    ("lucene", ["foo bar", "baz"], '("foo\\ bar" OR "baz")'),
    ("lucene", [], "__empty__"),
    ("glob", "foo", "foo"),
    ("glob", ["AA", "BB", "C.*"], "{AA,BB,C.*}"),
    ("text", {"value": "v", "text": "display text"}, "display text"),
    ("raw", ["12", "13"], "12,13"),
    ("raw", '#Æ³ ̇¹"Ä1"#!"#!½', '#Æ³ ̇¹"Ä1"#!"#!½'),
    ("regex", "test.", "test\\."),
    ("regex", ["test."], "test\\."),
    ("regex", ["test.", "test2"], "(test\\.|test2)"),
    ("pipe", ["test", "test2"], "test|test2"),
    ("distributed", ["test"], "test"),
    ("distributed", ["test", "test2"], "test,server=test2"),
    ("csv", "test", "test"),
    ("csv", ["test", "test2"], "test,test2"),
    ("html", "<script>alert(asd)</script>", "&lt;script&gt;alert(asd)&lt;/script&gt;"),
    ("json", "test", "test"),
    ("percentencode", ["foo()bar BAZ", "test2"], "%7Bfoo%28%29bar%20BAZ%2Ctest2%7D"),
    ("singlequote", "test", "'test'"),
    ("singlequote", ["test", "test'2"], "'test','test\\'2'"),
    ("doublequote", "test", '"test"'),
    ("doublequote", ["test", 'test"2'], '"test","test\\"2"'),
    ("sqlstring", "test'value", "'test''value'"),
    ("sqlstring", 'test"value', "'test\\\"value'"),
    ("sqlstring", ["test", "test'value2"], "'test','test''value2'"),
    ("sqlstring", ["test", "test'value2", 'test"value3'], "'test','test''value2','test\\\"value3'"),
    ("date", "1594671549254", "2020-07-13T20:19:09.254Z"),
    ("date:seconds", "1594671549254", "1594671549"),
    ("date:iso", "1594671549254", "2020-07-13T20:19:09.254Z"),
    ("date:YYYY-MM", "1594671549254", "2020-07"),
    ("date:YYYY-MM:ss", "1594671549254", "2020-07:09"),
    ("date:YYYY:MM:DD", "1594671549254", "2020:07:13"),
    ("join", "hello", "hello"),
    ("join", ["hello"], "hello"),
    ("join", ["hello", "world"], "hello,world"),
    ("join: | ", ["hello", "world"], "hello | world"),
    ("customqueryparam", ["api", "database"], "server=api&server=database"),
    ("customqueryparam:p-server", ["api", "database"], "p-server=api&p-server=database"),
    ("customqueryparam:p-server:v-", ["api", "database"], "p-server=v-api&p-server=v-database"),
    ("customqueryparam", ["api"], "server=api"),
    ("customqueryparam:p-server:v-", "api", "p-server=v-api"),
    ("customqueryparam:p-server:v-", ["mysql&postgres", "databases!"],
     "p-server=v-mysql%26postgres&p-server=v-databases%21"),
    ("customqueryparam:space & ampersand!:v& ", ["mysql&postgres", "databases!"],
     "space%20%26%20ampersand%21=v%26%20mysql%26postgres&space%20%26%20ampersand%21=v%26%20databases%21"),
    ("uriencode", "/any-path/any-second-path?query=foo()bar BAZ", "/any-path/any-second-path?query=foo%28%29bar%20BAZ"),
    ("queryparam", "helloAZ%=", "var-server=helloAZ%25%3D"),  # 'should url encode value'
])
def test_format_registry_examples(fmt: str, value: Any, expected: str) -> None:
    assert server(value, fmt) == expected


# Every format with a single and a multi value (expected values follow formatRegistry.ts).
@pytest.mark.parametrize(("fmt", "single", "multi"), [
    ("glob", "a b", "{a b,c'd}"),
    ("csv", "a b", "a b,c'd"),
    ("pipe", "a b", "a b|c'd"),
    ("raw", "a b", "a b,c'd"),
    ("join", "a b", "a b,c'd"),
    ("join:;", "a b", "a b;c'd"),
    ("regex", "a b", "(a b|c'd)"),
    ("lucene", "a\\ b", '("a\\ b" OR "c\'d")'),
    ("distributed", "a b", "a b,server=c'd"),
    ("singlequote", "'a b'", "'a b','c\\'d'"),
    ("doublequote", '"a b"', '"a b","c\'d"'),
    ("sqlstring", "'a b'", "'a b','c''d'"),
    ("json", "a b", '["a b","c\'d"]'),
    ("percentencode", "a%20b", "%7Ba%20b%2Cc%27d%7D"),
    ("uriencode", "a%20b", "%7Ba%20b,c%27d%7D"),
    # grafana-data 13 utils/url.ts encodeURIComponentAsAngularJS encodes !'()* too
    ("queryparam", "var-server=a%20b", "var-server=a%20b&var-server=c%27d"),
    ("customqueryparam", "server=a%20b", "server=a%20b&server=c%27d"),
    ("text", "a b", "a b + c'd"),
    ("html", "a b", "a b, c&#39;d"),
    ("date", "NaN", "NaN"),
])
def test_every_format_single_and_multi(fmt: str, single: str, multi: str) -> None:
    assert server("a b", fmt) == single
    assert server(["a b", "c'd"], fmt) == multi


def test_format_table_is_complete() -> None:
    assert set(FORMATS) == {
        "lucene", "raw", "regex", "pipe", "distributed", "csv", "html", "json", "percentencode", "singlequote",
        "doublequote", "sqlstring", "join", "date", "glob", "text", "queryparam", "customqueryparam", "uriencode",
    }


@pytest.mark.parametrize(("fmt", "expected"), [
    ("regex", "Gi3\\/14"),  # template_srv.test.ts 'slash should be properly escaped in regex format'
    ("lucene", "Gi3\\/14"),
])
def test_slash_escapes(fmt: str, expected: str) -> None:
    assert server("Gi3/14", fmt) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("0x1A", "0x1A"), ("1e5", "1e5"), (" 12 ", " 12 "), ("Infinity", "Infinity"), (".5", ".5"),
    ("-0x1A", "\\-0x1A"), ("1_000", "1_000"), ("a:b", "a\\:b"),
])
def test_lucene_leaves_javascript_numbers_alone(value: str, expected: str) -> None:
    assert server(value, "lucene") == expected


def test_raw_leaves_value_intact() -> None:
    # template_srv.test.ts 'raw format should leave value intact and do no escaping'
    assert server("'test\n", "raw") == "'test\n"


def test_json_escapes_like_json_stringify() -> None:
    assert server(['a"b', "é\n", "\\"], "json") == '["a\\"b","é\\n","\\\\"]'


# -- All, with and without a custom all value ---------------------------------------------------------

ALL = {"all": True, "options": ["value1", "value2"]}
ALL_CUSTOM = {"all": True, "allValue": "*", "options": ["value1", "value2"]}


@pytest.mark.parametrize(("text", "variable", "default_format", "expected"), [
    # template_srv.test.ts 'variable with all option'
    ("this.$test.filters", ALL, "glob", "this.{value1,value2}.filters"),
    ("this.${test:glob}.filters", ALL, None, "this.{value1,value2}.filters"),
    ("${test:pipe},$test", ALL, "glob", "value1|value2,{value1,value2}"),
    ("${test:csv}", ALL, "glob", "value1,value2"),
    ("${test:text}", ALL, "glob", "All"),
    ("${test:queryparam}", ALL, "glob", "var-test=$__all"),
    ("${test.1}", ALL, "glob", "value2"),
    # template_srv.test.ts 'variable with all option and custom value'
    ("this.$test.filters", ALL_CUSTOM, "glob", "this.*.filters"),
    ("this.${test:glob}.filters", ALL_CUSTOM, None, "this.*.filters"),
    ("this.$test", ALL_CUSTOM, "regex", "this.*"),
    ("${test:sqlstring} ${test:json} ${test:lucene}", ALL_CUSTOM, "csv", "* * *"),
    ("${test:text}", ALL_CUSTOM, "glob", "All"),
    ("${test:percentencode}", ALL_CUSTOM, "glob", "%2A"),
    ("${test:queryparam}", ALL_CUSTOM, "glob", "var-test=$__all"),
    ("${test.1}", ALL_CUSTOM, "glob", "*"),
])
def test_all_values(text: str, variable: dict[str, Any], default_format: str | None, expected: str) -> None:
    assert render(text, {"test": variable}, default_format=default_format) == expected


def test_custom_all_value_is_not_escaped_and_can_hold_a_variable() -> None:
    # sceneInterpolator.test.ts 'Given a variable with allValue'
    assert render("${test:regex}", {"test": {"all": True, "allValue": ".*"}}) == ".*"
    variables = {"test": {"all": True, "allValue": "$other"}, "other": "hello"}
    assert render("${test}", variables) == "hello"
    assert render("${test:sqlstring}", variables) == "hello"  # re-interpolated without the format


def test_all_without_options_or_values() -> None:
    assert render("[$test] [${test:lucene}] [${test:regex}]", {"test": {"all": True}}) == "[] [__empty__] [()]"


# -- multi values, texts, field paths, null ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "default_format", "expected"), [
    # template_srv.test.ts 'replace can pass multi / all format'
    ("this.$test.filters", "glob", "this.{value1,value2}.filters"),
    ("this.${test}.filters", "glob", "this.{value1,value2}.filters"),
    ("this.${test:glob}.filters", None, "this.{value1,value2}.filters"),
    ("this=$test", "pipe", "this=value1|value2"),
    ("this=${test:pipe}", None, "this=value1|value2"),
    ("${test:pipe},$test", "glob", "value1|value2,{value1,value2}"),
    ("$test", "csv", "value1,value2"),  # the Cassandra plugin's default format
])
def test_multi_value_with_default_format(text: str, default_format: str | None, expected: str) -> None:
    assert render(text, {"test": ["value1", "value2"]}, default_format=default_format) == expected


def test_single_element_glob_is_plain() -> None:
    # template_srv.test.ts 'when the globbed variable only has one value'
    assert render("this.$test.filters", {"test": ["value1"]}) == "this.value1.filters"


def test_scenes_multi_values_and_field_paths() -> None:
    # sceneInterpolator.test.ts 'Can format multi valued values'
    variables = {"test": ["hello", "world"]}
    assert render("test.${test}.asd", variables) == "test.{hello,world}.asd"
    assert render("test.${test.1}.asd", variables) == "test.world.asd"
    assert render("${test.7} ${test.x}", variables) == "{hello,world} {hello,world}"  # whole value


def test_text_format() -> None:
    # sceneInterpolator.test.ts 'Can format multi valued values using text formatter'
    assert render("${test:text}", {"test": {"value": ["1", "2"], "text": ["hello", "world"]}}) == "hello + world"
    # template_srv.test.ts replaceWithText: 'Server 1 + Server 2'
    server_texts = {"value": ["server1", "server2"], "text": ["Server 1", "Server 2"]}
    assert render("Server: ${server:text}", {"server": server_texts}) == "Server: Server 1 + Server 2"
    assert render("${dc} ${dc:text}", {"dc": {"value": "1", "text": "East"}}) == "1 East"
    assert render("${host:text}", {"host": "10.0.0.1"}) == "10.0.0.1"


def test_null_and_empty_values() -> None:
    assert render("[$n] [${n:sqlstring}] [${n:text}]", {"n": None}) == "[] [] []"
    assert render("Hello $e", {"e": ""}) == "Hello "  # 'should replace empty string-values'
    assert render("[${m}] [${m:sqlstring}] [${m:json}]", {"m": []}) == "[] [] [[]]"


def test_date_format_on_non_numbers() -> None:
    assert server("abc", "date") == "NaN"
    assert server("12abc", "date:ms") == "12abc"
    assert server("1500", "date:seconds") == "2"  # Math.round(1.5)


# -- syntax: greediness, brackets, unknowns, adjacency -------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("$host", "10.0.0.1"),
    ("$hostname", "$hostname"),  # names are greedy: no variable "hostname"
    ("${host}name", "10.0.0.1name"),
    ("[[host]]name", "10.0.0.1name"),
    ("this.[[host]].filters", "this.10.0.0.1.filters"),  # template_srv.test.ts 'init'
    ("[[ids:csv]]", "a,b"),
    ("[[ids:join:;]]", "[[ids:join:;]]"),  # [[...]] formats take no arguments
    ("$host$host", "10.0.0.110.0.0.1"),
    ("${host}${ids:csv}$ids", "10.0.0.1a,b{a,b}"),
    ("$host.$ids", "10.0.0.1.{a,b}"),
    ("$$host", "$10.0.0.1"),
    ("$", "$"),
    ("${host", "${host"),
    ("${host:}", "${host:}"),
    ("${ host}", "${ host}"),
    ("$nope ${nope} ${nope:csv} [[nope]] ${nope.x}", "$nope ${nope} ${nope:csv} [[nope]] ${nope.x}"),
    ("${host:unknownformat}", "10.0.0.1"),
    ("${ids:CSV}", "{a,b}"),  # format ids are case-sensitive: unknown, so glob
    ("${host:${ids}}", "10.0.0.1}"),  # the format is "${ids" (unknown), then a literal "}"
    ("$host_1", "$host_1"),
    ("$hôst", "$hôst"),  # \w is ASCII in JavaScript
    ("$toString = 1", "$toString = 1"),  # sceneInterpolator.test.ts: prototype names are not variables
    ("SELECT * FROM t WHERE h IN (${ids:sqlstring}) AND x = '$host'",
     "SELECT * FROM t WHERE h IN ('a','b') AND x = '10.0.0.1'"),
])
def test_syntax(text: str, expected: str) -> None:
    assert render(text, {"host": "10.0.0.1", "ids": ["a", "b"]}) == expected


def test_report_of_found_and_unresolved_references() -> None:
    variables = load_variables({"host": "10.0.0.1", "cluster": {"value": ["1", "2"], "text": ["hello", "world"]}})
    result = interpolate("a $host ${cluster:text} ${namespace} ${host:bogus}", variables)
    assert isinstance(result, InterpolationResult)
    assert result.text == "a 10.0.0.1 hello + world ${namespace} 10.0.0.1"
    host, cluster, namespace, bogus = result.references
    assert (host.match, host.name, host.start, host.end, host.format, host.value, host.found) == (
        "$host", "host", 2, 7, "glob", "10.0.0.1", True)
    # sceneInterpolator.test.ts 'populates found interpolations' / 'populates not found interpolations'
    assert (cluster.name, cluster.format, cluster.value, cluster.found, cluster.field_path) == (
        "cluster", "text", "hello + world", True, None)
    assert cluster.source_value == ("1", "2")
    assert (namespace.name, namespace.value, namespace.found) == ("namespace", "${namespace}", False)
    assert bogus.format_fallback and bogus.format == "bogus"
    assert result.unresolved == (namespace,)
    assert result.found == (host, cluster, bogus)


def test_no_default_format_reports_none() -> None:
    result = interpolate("$x", [Variable("x", "1")], default_format=None)
    assert result.text == "1" and result.references[0].format is None


# -- built-ins ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # template_srv.test.ts 'date formating' and the global-variables docs
    ("${__from}", "1594671549254"),
    ("$__from", "1594671549254"),
    ("${__to}", "1595237229747"),
    ("${__from:date:seconds}", "1594671549"),
    ("${__from:date}", "2020-07-13T20:19:09.254Z"),
    ("${__from:date:iso}", "2020-07-13T20:19:09.254Z"),
    ("${__from:date:YYYY-MM}", "2020-07"),
    ("${__to:date:YYYY-MM}", "2020-07"),
    ("${__from:date:ms}", "1594671549254"),
    ("${__from:text}", "2020-07-13 20:19:09"),
    ("${__to:text}", "2020-07-20 09:27:09"),
    ("${__from:json}", "1594671549254"),
    ("${__from:queryparam}", "var-__from=1594671549254"),
    ("${__from:sqlstring}", "'1594671549254'"),
    ("$__timezone", "utc"),
    ("$__interval ${__interval_ms}", "$__interval ${__interval_ms}"),  # no request: unchanged
    ("${__interval:sqlstring}", "'${__interval:sqlstring}'"),  # IntervalMacro returns the match, then formats
    ("$__range $__range_s $__range_ms", "$__range $__range_s $__range_ms"),  # Prometheus and Loki only
])
def test_time_built_ins(text: str, expected: str) -> None:
    assert render(text, time_range=RANGE) == expected


@pytest.mark.parametrize(("timezone", "browser", "text", "expected"), [
    ("Europe/Paris", "UTC", "${__from:text} ${__timezone}", "2020-07-13 22:19:09 Europe/Paris"),
    ("America/New_York", "UTC", "${__to:text}", "2020-07-20 05:27:09"),
    ("utc", "Asia/Tokyo", "${__from:text} ${__timezone}", "2020-07-13 20:19:09 utc"),
    ("browser", "Asia/Tokyo", "${__from:text} ${__timezone}", "2020-07-14 05:19:09 Asia/Tokyo"),
    # custom date formats use the browser's zone, :date and :date:iso stay UTC (global-variables docs)
    ("Europe/Paris", "America/New_York", "${__from:date:YYYY-MM-DD HH:mm}", "2020-07-13 16:19"),
    ("Europe/Paris", "America/New_York", "${__from:date}", "2020-07-13T20:19:09.254Z"),
    ("utc", "Asia/Kolkata", "${__from:date:HH:mm:ss Z}", "01:49:09 +05:30"),
])
def test_built_ins_in_time_zones(timezone: str, browser: str, text: str, expected: str) -> None:
    found = TimeRange(FROM_MS, TO_MS, "a", "b", timezone)
    assert render(text, time_range=found, browser_timezone=browser) == expected


def test_timezone_argument_overrides_the_range_zone() -> None:
    assert render("${__from:text}", time_range=RANGE, timezone="Asia/Tokyo") == "2020-07-14 05:19:09"
    assert render("$__timezone") == "utc"


def test_interval_from_a_request() -> None:
    # template_srv.test.ts 'should replace $__interval_ms with interval milliseconds'
    assert render("10 * $__interval_ms", interval=Interval("1s", 100)) == "10 * 100"
    relative = time_range("now-6h", "now", now_ms=FROM_MS)
    interval = calculate_interval(relative.range_ms, 1000)
    assert render("$__interval $__interval_ms ${__interval:text}", interval=interval) == "20s 20000 20s"
    assert render("${__interval_ms:date:seconds}", interval=("1m", 60000)) == "60"


def test_range_variables_when_asked_for() -> None:
    six_hours = time_range("now-6h", "now", now_ms=FROM_MS)
    expected = "21600s 21600 21600000"
    assert render("$__range $__range_s $__range_ms", time_range=six_hours, range_variables=True) == expected
    odd = TimeRange(0, 1500, "0", "1500")
    assert render("$__range ${__range_s}", time_range=odd, range_variables=True) == "2s 2"  # Math.round


def test_unresolved_built_ins_explain_why() -> None:
    result = interpolate("$__interval $__range $__from")
    assert result.text == "$__interval $__range $__from"
    notes = [reference.note for reference in result.unresolved]
    assert "no query request" in notes[0] and "Prometheus" in notes[1] and notes[2] == "no time range given"


def test_grafana_globals_fill_user_org_and_dashboard() -> None:
    # scenes contextMacros.ts (UserMacro, OrgMacro) and Grafana's DashboardMacro.ts
    who = GrafanaGlobals(user_login="ann", user_email="ann@example.org", user_id=7, org_name="Main org", org_id=3,
                         dashboard_uid="ops-1", dashboard_title="Ops")
    text = ("$__dashboard ${__dashboard.uid} ${__dashboard.name} ${__user} ${__user.login} ${__user.email} "
            "${__user.other} ${__org} ${__org.name} ${__org.name:sqlstring} ${__dashboard:text}")
    assert render(text, grafana_globals=who) == "Ops ops-1 Ops 7 ann ann@example.org 7 3 Main org 'Main org' "


def test_grafana_globals_have_the_defaults_of_a_fresh_grafana() -> None:
    text = "${__user.login} ${__user.id} ${__org.name} ${__org.id} [${__dashboard.uid}] $__dashboard"
    assert render(text) == "admin 1 Main Org. 1 [] New dashboard"


def test_variables_shadow_built_ins_and_request_variables_shadow_variables() -> None:
    assert render("$__timezone", {"__timezone": "mine"}) == "mine"
    assert render("$__interval", {"__interval": "mine"}, interval=("5s", 5000)) == "5s"


def test_time_range_with_a_relative_expression_end_to_end() -> None:
    yesterday = time_range("now-1d/d", "now-1d/d", "Europe/Paris", now_ms=FROM_MS)
    text = "WHERE ts >= ${__from} AND ts <= ${__to} -- ${__from:text} to ${__to:text}"
    assert render(text, time_range=yesterday) == (
        "WHERE ts >= 1594504800000 AND ts <= 1594591199999 -- 2020-07-12 00:00:00 to 2020-07-12 23:59:59")


# -- the variables file ---------------------------------------------------------------------------------

EXAMPLE = {
    "host": "10.0.0.1",
    "ids": ["a", "b"],
    "dc": {"value": ["1", "2"], "text": ["East", "West"]},
    "svc": {"all": True, "options": ["api", "db"]},
    "env": {"all": True, "allValue": ".*", "options": ["x", "y"]},
    "none": None,
}


def test_load_variables_model() -> None:
    variables = load_variables(EXAMPLE)
    assert variables["host"] == Variable("host", "10.0.0.1")
    assert variables["ids"] == Variable("ids", ("a", "b"))
    assert variables["dc"] == Variable("dc", ("1", "2"), ("East", "West"))
    assert variables["svc"].all_selected and variables["svc"].options == ("api", "db")
    assert variables["env"].all_value == ".*"
    assert variables["none"].value is None


def test_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "vars.json"
    save_variables(load_variables(EXAMPLE), path)
    assert json.loads(path.read_text(encoding="utf-8")) == EXAMPLE
    assert load_variables(path) == load_variables(EXAMPLE)
    assert load_variables(str(path)) == load_variables(EXAMPLE)
    assert dump_variables(list(load_variables(EXAMPLE).values())) == EXAMPLE


def test_dump_keeps_options_of_a_variable_not_on_all() -> None:
    variable = Variable("env", "x", None, False, ".*", ("x", "y"))
    assert dump_variables([variable]) == {"env": {"value": "x", "allValue": ".*", "options": ["x", "y"]}}
    assert load_variables(dump_variables([variable]))["env"] == variable


@pytest.mark.parametrize(("data", "message"), [
    ({"bad name": "x"}, "bad name"),
    ({"n": 5}, "'n': 'value' must be a string"),
    ({"n": ["a", 1]}, "'n'"),
    ({"n": {"value": "a", "colour": "red"}}, "'n': unknown key(s) colour"),
    ({"n": {"text": "a"}}, "'n': an object needs 'value'"),
    ({"n": {"value": ["a", "b"], "text": ["A"]}}, "'n': 'text' must match"),
    ({"n": {"value": "a", "text": ["A"]}}, "'n': 'text' must match"),
    ({"n": {"all": "yes"}}, "'n': 'all' must be true or false"),
    ({"n": {"all": True, "allValue": 1}}, "'n': 'allValue'"),
    ({"n": {"all": True, "options": "a,b"}}, "'n': 'options'"),
    ({"n": {"all": True, "value": "a"}}, "'n': with \"all\": true"),
])
def test_malformed_entries_name_the_variable(data: dict[str, Any], message: str) -> None:
    with pytest.raises(VariablesFileError) as caught:
        load_variables(data)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_malformed_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": ', encoding="utf-8")
    with pytest.raises(VariablesFileError, match="not valid JSON"):
        load_variables(broken)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(VariablesFileError, match="JSON object"):
        load_variables(listed)
    with pytest.raises(VariablesFileError, match="cannot read"):
        load_variables(tmp_path / "missing.json")


def test_variables_as_a_list() -> None:
    assert interpolate("$a-$b", [Variable("a", "1"), Variable("b", ("2", "3"))]).text == "1-{2,3}"


# -- divergences found with the front-end vectors (expected values read from scenes 9.2.2 / data 13.2.3) --


def test_queryparam_encodes_rfc3986_characters_and_keeps_an_empty_multi_value() -> None:
    # MultiValueUrlSyncHandler.getUrlState: a multi value of [] is [String([])], i.e. one empty value
    assert render("${x:queryparam}", {"x": []}) == "var-x="
    assert render("${x:queryparam}", {"x": "!'()*"}) == "var-x=%21%27%28%29%2A"


def test_field_paths_read_list_indexes_and_option_properties() -> None:
    variables = {"v": {"value": ["a", "b"], "options": ["a"]}, "s": {"value": "a", "options": ["a"]}, "t": "a"}
    assert render("${v.0} ${v.1:sqlstring}", variables) == "a 'b'"
    # "[0]" is no index for parseInt: each value becomes its option's property (undefined) or stays
    assert render("${v[0]} ${v.foo:csv}", variables) == "{,b} ,b"
    assert render("[${s.foo}] ${t.foo}", variables) == "[] a"


def test_custom_all_value_is_interpolated_again_without_request_variables() -> None:
    variables = {"x": {"all": True, "allValue": "$__interval|$__range|$__from"}}
    span = TimeRange(0, 86_400_000, "0", "86400000")
    # sceneInterpolator formats the custom all value, then interpolates it with no scoped variables
    assert render("$x", variables, time_range=span, interval=("30s", 30000)) == "$__interval|$__range|0"
    # data sources with $__range (Prometheus) replace it in their backend as well
    assert render("$x", variables, time_range=span, range_variables=True).startswith("$__interval|86400s|")


def test_a_custom_all_value_that_refers_to_itself_is_a_clear_error() -> None:
    with pytest.raises(TemplateRecursionError, match="'x' refers to itself"):
        render("${x:csv}", {"x": {"all": True, "allValue": "($x)"}})


def test_all_variables_and_url_time_range() -> None:
    variables = {"a": "1", "b": ["x y", "z"], "empty": "", "all": {"all": True, "options": ["p"]}}
    span = time_range("now-6h", "now", now_ms=FROM_MS)
    assert render("$__all_variables", variables, time_range=span) == "var-a=1&var-b=x%20y&var-b=z&var-all=$__all"
    assert render("${__url_time_range}", time_range=span) == "from=now-6h&to=now&timezone=utc"


def test_browser_time_zone_is_a_real_zone() -> None:
    span = TimeRange(FROM_MS, TO_MS, str(FROM_MS), str(TO_MS), "browser")
    text = "$__timezone ${__from:date:HH:mm} ${__from:text}"
    assert render(text, time_range=span, browser_timezone="Asia/Kolkata") == "Asia/Calcutta 01:49 2020-07-14 01:49:09"
    local = interpolate("$__timezone", time_range=span).text
    assert local == browser_zone_id(local_zone_name()) and local != "browser"


def _cli_render(*flags: str) -> str:
    result = run_cli("render", "--browser-timezone", "UTC", *flags)
    assert result.returncode == 0, result.stderr
    return result.stdout.rstrip("\n")


def test_cli_grafana_settings() -> None:
    assert _cli_render("--from", "20230523", "--to", "20230524", "$__from $__to") == "1684800000000 1684886400000"
    assert _cli_render("--from", "now/w", "--to", "now/w", "${__from:date:dddd}") == "Sunday"
    assert _cli_render("--week-start", "monday", "--from", "now/w", "--to", "now", "${__from:date:dddd}") == "Monday"
    assert _cli_render("--fiscal-year-start-month", "4", "--from", "now/fy", "--to", "now",
                       "${__from:date:MM-DD}") == "04-01"
    assert _cli_render("--timezone", "browser", "--browser-timezone", "Europe/Berlin", "$__timezone") == "Europe/Berlin"
    assert _cli_render("--org-name", "Ops", "--user-login", "ann", "--dashboard-uid", "d1",
                       "${__org.name} ${__user.login} ${__dashboard.uid} $__dashboard") == "Ops ann d1 New dashboard"


def test_cli_bad_grafana_settings_are_explained() -> None:
    for flags in (("--week-start", "someday"), ("--fiscal-year-start-month", "13"), ("--from", "garbage")):
        result = run_cli("render", *flags, "x")
        assert result.returncode == 2 and "Traceback" not in result.stderr and result.stderr.strip()


def test_constant_and_text_box_variables() -> None:
    # ConstantVariable.getValue interpolates its value and skips URL sync; TextBoxVariable syncs to the URL
    variables = {"c": {"type": "constant", "value": "${t}@$__timezone"}, "t": {"type": "textbox", "value": "a b"}}
    assert render("${c} ${c:queryparam} ${t:queryparam} ${t.0}", variables) == \
        "a b@utc var-c=a%20b%40utc var-t=a%20b a b"
    assert render("$__all_variables", variables) == "var-t=a%20b"
    assert load_variables(dump_variables(load_variables(variables))) == load_variables(variables)
    with pytest.raises(VariablesFileError, match="one string 'value'"):
        load_variables({"c": {"type": "constant", "value": ["a"]}})
    with pytest.raises(VariablesFileError, match="'type' must be one of"):
        load_variables({"c": {"type": "query", "value": "a"}})
    with pytest.raises(TemplateRecursionError):
        render("$c", {"c": {"type": "constant", "value": "x$c"}})


def test_browser_zone_is_reported_with_icu_ids() -> None:
    span = TimeRange(FROM_MS, TO_MS, str(FROM_MS), str(TO_MS), "browser")
    assert render("$__timezone", time_range=span, browser_timezone="Asia/Kolkata") == "Asia/Calcutta"
    assert render("$__timezone", time_range=span, browser_timezone="Asia/Kathmandu") == "Asia/Katmandu"
    assert render("$__timezone", time_range=span, browser_timezone="Europe/Berlin") == "Europe/Berlin"


def test_a_value_of_dollar_all_is_all() -> None:
    # MultiValueVariable.hasAllValue: "$__all", or a list starting with it, stands for All
    assert render("${v:csv} ${v:text}", {"v": {"value": "$__all", "options": ["a", "b"]}}) == "a,b All"
    assert render("${v:csv}", {"v": {"value": ["$__all", "x"], "options": ["a"], "allValue": ".*"}}) == ".*"


def test_prepared_queries_format_dates_in_the_browser_zone_not_the_dashboard_zone() -> None:
    from core.grafana.flavors import prepare_query

    span = TimeRange(FROM_MS, TO_MS, str(FROM_MS), str(TO_MS), "Asia/Tokyo")
    text = "${__from:date:HH:mm} ${__from:text}"
    prepared = prepare_query("scylla", text, {}, span, browser_timezone="Europe/Paris")
    # formatRegistry date: dateTime(ms).format() is the browser's local time; the text is the dashboard's
    assert prepared.text == "22:19 2020-07-14 05:19:09"


def test_interval_variables() -> None:
    # IntervalVariable: "$__auto" is calculateInterval(range, autoStepCount 30, autoMinInterval "10s")
    six_hours = time_range("now-6h", "now", now_ms=FROM_MS)
    variables = {"i": {"type": "interval", "value": "$__auto"},
                 "j": {"type": "interval", "value": "$__auto", "autoStepCount": 2, "autoMinInterval": "5h"},
                 "k": {"type": "interval", "value": "1d"}}
    # j: 6h / 2 = 3h, below its 5h minimum
    assert render("$i $j $k ${k:queryparam}", variables, time_range=six_hours) == "10m 5h 1d var-k=1d"
    assert render("$__all_variables", variables, time_range=six_hours) == "var-i=$__auto&var-j=$__auto&var-k=1d"
    assert dump_variables(load_variables(variables)) == variables | {"i": {"type": "interval", "value": "$__auto"}}


def test_all_selected_variables_put_all_in_the_url_whatever_their_value() -> None:
    # a dashboard's "All" has the state value $__all; its URL state is var-x=$__all
    variable = Variable("x", ("a", "b"), ("a", "b"), True, None, ("a", "b"))
    assert interpolate("${x:queryparam} ${x:csv}", [variable]).text == "var-x=$__all a,b"
