#!/usr/bin/env python3
"""Writes this project's Great Expectations semantic cases from GE's test definitions.

Usage: convert.py <great_expectations checkout> <out dir>. Keeps, for every expectation type the
validator takes, the tests that GE runs on PostgreSQL (not only_for another backend, not suppressed
for postgresql or sqlalchemy): their data, the column types GE gives PostgreSQL, the arguments and
the expected success, unexpected values and observed value; a test that expects an error becomes a
"refused" case. GE's result_format and catch_exceptions arguments are dropped, and tests
with evaluation parameters ($PARAMETER) left out.
"""
import json, os, subprocess, sys

TYPES = """
expect_column_to_exist expect_table_column_count_to_be_between expect_table_column_count_to_equal
expect_table_columns_to_match_ordered_list expect_table_columns_to_match_set
expect_table_row_count_to_be_between expect_table_row_count_to_equal
expect_column_values_to_not_be_null expect_column_values_to_be_null expect_column_values_to_be_unique
expect_column_values_to_be_between expect_column_values_to_be_in_set expect_column_values_to_not_be_in_set
expect_column_value_lengths_to_be_between expect_column_value_lengths_to_equal
expect_column_values_to_match_regex expect_column_values_to_not_match_regex
expect_column_values_to_match_regex_list expect_column_values_to_not_match_regex_list
expect_column_values_to_match_like_pattern expect_column_values_to_not_match_like_pattern
expect_column_values_to_match_like_pattern_list expect_column_values_to_not_match_like_pattern_list
expect_column_values_to_match_strftime_format expect_column_values_to_be_dateutil_parseable
expect_column_values_to_be_json_parseable expect_column_values_to_be_increasing expect_column_values_to_be_decreasing
expect_column_min_to_be_between expect_column_max_to_be_between expect_column_mean_to_be_between
expect_column_median_to_be_between expect_column_sum_to_be_between expect_column_stdev_to_be_between
expect_column_quantile_values_to_be_between expect_column_unique_value_count_to_be_between
expect_column_proportion_of_unique_values_to_be_between expect_column_distinct_values_to_be_in_set
expect_column_distinct_values_to_contain_set expect_column_distinct_values_to_equal_set
expect_column_most_common_value_to_be_in_set
expect_column_pair_values_a_to_be_greater_than_b expect_column_pair_values_to_be_equal
expect_compound_columns_to_be_unique expect_select_column_values_to_be_unique_within_record
expect_multicolumn_sum_to_equal expect_column_values_to_be_of_type expect_column_values_to_be_in_type_list
""".split()

SPARK = {"StringType": "TEXT", "IntegerType": "INTEGER", "LongType": "BIGINT", "DoubleType": "DOUBLE_PRECISION",
         "FloatType": "DOUBLE_PRECISION", "BooleanType": "BOOLEAN", "TimestampType": "TIMESTAMP", "DateType": "DATE"}

def types(schemas):
    """The columns' types GE gives PostgreSQL (or SQLite), else those it gives Spark, in PostgreSQL's names."""
    found = {k: SPARK[v] for k, v in (schemas.get("spark") or {}).items() if v in SPARK}
    found.update(schemas.get("sqlite") or {})
    found.update(schemas.get("postgresql") or {})
    return found

def applies(t):
    only, off = t.get("only_for"), t.get("suppress_test_for") or []
    return (only is None or "postgresql" in only or "sqlalchemy" in only) and not {"postgresql", "sqlalchemy"} & set(off)

def main(repo, out):
    os.makedirs(out, exist_ok=True)
    paths = subprocess.check_output(["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", "tests/test_definitions/"]).decode().split()
    version = subprocess.check_output(["git", "-C", repo, "log", "-1", "--format=%s"]).decode().strip()
    for path in paths:
        name = os.path.basename(path)[:-5]
        if name not in TYPES:
            continue
        ge = json.loads(subprocess.check_output(["git", "-C", repo, "show", "HEAD:" + path]))
        datasets = []
        for ds in ge["datasets"]:
            tests = []
            for t in ds["tests"]:
                if not applies(t) or "$PARAMETER" in json.dumps(t["in"]):
                    continue  # evaluation parameters are GE's own templating, not taken here
                kwargs = {k: v for k, v in t["in"].items() if k not in ("catch_exceptions", "result_format", "include_config")}
                o = t["out"]
                expected = {}
                if "traceback_substring" in o or not o:
                    expected["refused"] = True
                else:
                    for k in ("success", "unexpected_list", "observed_value"):
                        if k in o:
                            expected[k] = o[k]
                    if "result" in o:
                        for k in ("observed_value", "unexpected_list"):
                            if k in o["result"]:
                                expected[k] = o["result"][k]
                tests.append({"title": t["title"], "in": kwargs, "out": expected})
            if tests:
                datasets.append({"data": ds["data"], "types": types(ds.get("schemas") or {}), "tests": tests})
        with open(os.path.join(out, name + ".json"), "w") as f:
            f.write(write({"expectation_type": name, "from": "Great Expectations " + version + ", " + path,
                           "datasets": datasets}))

def write(cases):
    """One line per column of data and per test, so that a case reads at a glance."""
    line = lambda v: json.dumps(v, ensure_ascii=False)
    out = ['{', ' "expectation_type": %s,' % line(cases["expectation_type"]), ' "from": %s,' % line(cases["from"]), ' "datasets": [']
    for i, ds in enumerate(cases["datasets"]):
        out.append('  {"data": {')
        cols = list(ds["data"].items())
        out += ['    %s: %s%s' % (line(k), line(v), "," if j < len(cols) - 1 else "") for j, (k, v) in enumerate(cols)]
        out.append('   },')
        out.append('   "types": %s,' % line(ds["types"]))
        out.append('   "tests": [')
        out += ['    %s%s' % (line(t), "," if j < len(ds["tests"]) - 1 else "") for j, t in enumerate(ds["tests"])]
        out.append('   ]}%s' % ("," if i < len(cases["datasets"]) - 1 else ""))
    out += [' ]', '}', '']
    return "\n".join(out)

main(sys.argv[1], sys.argv[2])
