package cli

import (
	"bytes"
	"testing"
)

// The expectations below are what awscli's own formatters (text.py,
// table.py, formatter.py) and jmespath print for the same data, with the
// AWS CLI's json.dump(indent=4, ensure_ascii=False) for JSON.

var textCases = []struct{ name, in, want string }{
	{"scalar-string", "\"hello\"", "hello\n"},
	{"scalar-number", "42", "42\n"},
	{"scalar-bool", "true", "True\n"},
	{"scalar-null", "null", "None\n"},
	{"flat-dict", "{\"Account\": \"000000000000\", \"Arn\": \"arn:aws:iam::000000000000:root\", \"UserId\": \"AIDA\"}", "000000000000\tarn:aws:iam::000000000000:root\tAIDA\n"},
	{"dict-sorted-keys", "{\"b\": \"2\", \"a\": \"1\", \"c\": \"3\"}", "1\t2\t3\n"},
	{"nested-dict", "{\"Role\": {\"Name\": \"r\", \"Boundary\": {\"Arn\": \"arn\", \"Type\": \"Policy\"}, \"Max\": 3600}}", "ROLE\t3600\tr\nBOUNDARY\tarn\tPolicy\n"},
	{"list-of-dicts-union", "{\"Users\": [{\"Id\": \"1\", \"Name\": \"alice\"}, {\"Id\": \"2\", \"Email\": \"bob@example.com\"}]}", "USERS\t\t1\talice\nUSERS\tbob@example.com\t2\t\n"},
	{"list-of-dicts-nested", "{\"Users\": [{\"Id\": \"1\", \"Tags\": [{\"Key\": \"a\", \"Value\": \"b\"}]}, {\"Id\": \"2\", \"Tags\": []}], \"NextToken\": \"t\"}", "t\nUSERS\t1\nTAGS\ta\tb\nUSERS\t2\n"},
	{"list-of-scalars", "[\"alice\", \"bob\", \"carol\"]", "alice\tbob\tcarol\n"},
	{"list-of-lists", "[[\"alice\", \"ENABLED\"], [\"bob\", \"DISABLED\"]]", "alice\tENABLED\nbob\tDISABLED\n"},
	{"mixed-list", "[\"a\", [\"b\", \"c\"], \"d\"]", "a\td\nb\tc\n"},
	{"named-scalar-list", "{\"Names\": [\"a\", \"b\"]}", "NAMES\ta\nNAMES\tb\n"},
	{"empty-list", "{\"Users\": []}", ""},
	{"empty-dict", "{}", ""},
	{"booleans-and-null", "{\"A\": true, \"B\": false, \"C\": null, \"D\": 1.5, \"E\": 0}", "True\tFalse\tNone\t1.5\t0\n"},
	{"unicode-wide", "{\"Name\": \"日本語のテキスト\", \"Other\": \"x\"}", "日本語のテキスト\tx\n"},
	{"escapes", "{\"Description\": \"tab\\tand \\\"quotes\\\" and \\\\\"}", "tab\tand \"quotes\" and \\\n"},
	{"long-value", "{\"Long\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"Short\": \"y\"}", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ty\n"},
	{"rules", "{\"Rules\": [{\"Name\": \"a\", \"TargetUsers\": [\"u1\", \"u2\"], \"Effect\": \"ALLOW\"}, {\"Name\": \"b\", \"NotTargetUsers\": [\"u3\"], \"Effect\": \"DENY\"}]}", "RULES\tALLOW\ta\nTARGETUSERS\tu1\nTARGETUSERS\tu2\nRULES\tDENY\tb\nNOTTARGETUSERS\tu3\n"},
	{"floats", "{\"Ratio\": 0.25, \"Big\": 12345678.5, \"Small\": 0.00001}", "12345678.5\t0.25\t1e-05\n"},
}

var tableCases = []struct{ name, in, want string }{
	{"scalar-string", "\"hello\"", "----\n|Op|\n+--+\n"},
	{"flat-dict", "{\"Account\": \"000000000000\", \"Arn\": \"arn:aws:iam::000000000000:root\", \"UserId\": \"AIDA\"}", "--------------------------------------------------------------\n|                             Op                             |\n+---------------+----------------------------------+---------+\n|    Account    |               Arn                | UserId  |\n+---------------+----------------------------------+---------+\n|  000000000000 |  arn:aws:iam::000000000000:root  |  AIDA   |\n+---------------+----------------------------------+---------+\n"},
	{"dict-sorted-keys", "{\"b\": \"2\", \"a\": \"1\", \"c\": \"3\"}", "-----------------\n|      Op       |\n+---+-----+-----+\n| a |  b  |  c  |\n+---+-----+-----+\n|  1|  2  |  3  |\n+---+-----+-----+\n"},
	{"nested-dict", "{\"Role\": {\"Name\": \"r\", \"Boundary\": {\"Arn\": \"arn\", \"Type\": \"Policy\"}, \"Max\": 3600}}", "-----------------------\n|         Op          |\n+---------------------+\n||       Role        ||\n|+--------+----------+|\n||   Max  |  Name    ||\n|+--------+----------+|\n||  3600  |  r       ||\n|+--------+----------+|\n|||    Boundary     |||\n||+------+----------+||\n|||  Arn |  Type    |||\n||+------+----------+||\n|||  arn |  Policy  |||\n||+------+----------+||\n"},
	{"list-of-dicts-union", "{\"Users\": [{\"Id\": \"1\", \"Name\": \"alice\"}, {\"Id\": \"2\", \"Email\": \"bob@example.com\"}]}", "--------------------------------------\n|                 Op                 |\n+------------------------------------+\n||               Users              ||\n|+------------------+-----+---------+|\n||       Email      | Id  |  Name   ||\n|+------------------+-----+---------+|\n||                  |  1  |  alice  ||\n||  bob@example.com |  2  |         ||\n|+------------------+-----+---------+|\n"},
	{"list-of-dicts-nested", "{\"Users\": [{\"Id\": \"1\", \"Tags\": [{\"Key\": \"a\", \"Value\": \"b\"}]}, {\"Id\": \"2\", \"Tags\": []}], \"NextToken\": \"t\"}", "----------------------\n|         Op         |\n+--------------+-----+\n|  NextToken   |  t  |\n+--------------+-----+\n||       Users      ||\n|+------------------+|\n||        Id        ||\n|+------------------+|\n||  1               ||\n|+------------------+|\n|||      Tags      |||\n||+------+---------+||\n|||  Key |  Value  |||\n||+------+---------+||\n|||  a   |  b      |||\n||+------+---------+||\n||       Users      ||\n|+------------------+|\n||        Id        ||\n|+------------------+|\n||  2               ||\n|+------------------+|\n"},
	{"list-of-scalars", "[\"alice\", \"bob\", \"carol\"]", "-----------\n|   Op    |\n+---------+\n|  alice  |\n|  bob    |\n|  carol  |\n+---------+\n"},
	{"list-of-lists", "[[\"alice\", \"ENABLED\"], [\"bob\", \"DISABLED\"]]", "-----------------------\n|         Op          |\n+--------+------------+\n|  alice |  ENABLED   |\n|  bob   |  DISABLED  |\n+--------+------------+\n"},
	{"named-scalar-list", "{\"Names\": [\"a\", \"b\"]}", "---------\n|  Op   |\n+-------+\n||Names||\n|+-----+|\n||  a  ||\n||  b  ||\n|+-----+|\n"},
	{"empty-list", "{\"Users\": []}", "----\n|Op|\n+--+\n"},
	{"empty-dict", "{}", ""},
	{"booleans-and-null", "{\"A\": true, \"B\": false, \"C\": null, \"D\": 1.5, \"E\": 0}", "---------------------------------------\n|                 Op                  |\n+------+--------+-------+-------+-----+\n|   A  |   B    |   C   |   D   |  E  |\n+------+--------+-------+-------+-----+\n|  True|  False |  None |  1.5  |  0  |\n+------+--------+-------+-------+-----+\n"},
	{"unicode-wide", "{\"Name\": \"日本語のテキスト\", \"Other\": \"x\"}", "-------------------------------\n|             Op              |\n+-------------------+---------+\n|       Name        |  Other  |\n+-------------------+---------+\n|  日本語のテキスト |  x      |\n+-------------------+---------+\n"},
	{"escapes", "{\"Description\": \"tab\\tand \\\"quotes\\\" and \\\\\"}", "-------------------------------------------\n|                   Op                    |\n+--------------+--------------------------+\n|  Description |  tab\tand \"quotes\" and \\  |\n+--------------+--------------------------+\n"},
	{"long-value", "{\"Long\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"Short\": \"y\"}", "---------------------------------------------------------------------------------------------------------------------------------------\n|                                                                 Op                                                                  |\n+-------+-----------------------------------------------------------------------------------------------------------------------------+\n|  Long |  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   |\n|  Short|  y                                                                                                                          |\n+-------+-----------------------------------------------------------------------------------------------------------------------------+\n"},
	{"rules", "{\"Rules\": [{\"Name\": \"a\", \"TargetUsers\": [\"u1\", \"u2\"], \"Effect\": \"ALLOW\"}, {\"Name\": \"b\", \"NotTargetUsers\": [\"u3\"], \"Effect\": \"DENY\"}]}", "----------------------\n|         Op         |\n+--------------------+\n||       Rules      ||\n|+---------+--------+|\n|| Effect  | Name   ||\n|+---------+--------+|\n||  ALLOW  |  a     ||\n|+---------+--------+|\n|||   TargetUsers  |||\n||+----------------+||\n|||  u1            |||\n|||  u2            |||\n||+----------------+||\n||       Rules      ||\n|+---------+--------+|\n|| Effect  | Name   ||\n|+---------+--------+|\n||  DENY   |  b     ||\n|+---------+--------+|\n||| NotTargetUsers |||\n||+----------------+||\n|||  u3            |||\n||+----------------+||\n"},
	{"floats", "{\"Ratio\": 0.25, \"Big\": 12345678.5, \"Small\": 0.00001}", "----------------------------------\n|               Op               |\n+------------+---------+---------+\n|     Big    |  Ratio  |  Small  |\n+------------+---------+---------+\n|  12345678.5|  0.25   |  1e-05  |\n+------------+---------+---------+\n"},
}

var queryCases = []struct{ name, expr, json, text string }{
	{"field", "NextToken", "\"t\"\n", "t\n"},
	{"projection", "Users[].Name", "[\n    \"alice\",\n    \"bob\",\n    \"carol\"\n]\n", "alice\tbob\tcarol\n"},
	{"index", "Users[0]", "{\n    \"Email\": \"alice@example.com\",\n    \"Id\": \"1\",\n    \"Name\": \"alice\",\n    \"Size\": 10,\n    \"State\": \"ENABLED\",\n    \"Tags\": [\n        {\n            \"Key\": \"team\",\n            \"Value\": \"a\"\n        }\n    ]\n}\n", "alice@example.com\t1\talice\t10\tENABLED\nTAGS\tteam\ta\n"},
	{"negative-index", "Users[-1].Name", "\"carol\"\n", "carol\n"},
	{"slice", "Users[1:].Id", "[\n    \"2\",\n    \"3\"\n]\n", "2\t3\n"},
	{"multiselect-list", "Users[].[Name,State]", "[\n    [\n        \"alice\",\n        \"ENABLED\"\n    ],\n    [\n        \"bob\",\n        \"DISABLED\"\n    ],\n    [\n        \"carol\",\n        \"ENABLED\"\n    ]\n]\n", "alice\tENABLED\nbob\tDISABLED\ncarol\tENABLED\n"},
	{"multiselect-hash", "Users[].{N:Name,S:State}", "[\n    {\n        \"N\": \"alice\",\n        \"S\": \"ENABLED\"\n    },\n    {\n        \"N\": \"bob\",\n        \"S\": \"DISABLED\"\n    },\n    {\n        \"N\": \"carol\",\n        \"S\": \"ENABLED\"\n    }\n]\n", "alice\tENABLED\nbob\tDISABLED\ncarol\tENABLED\n"},
	{"filter", "Users[?State=='ENABLED'].Name", "[\n    \"alice\",\n    \"carol\"\n]\n", "alice\tcarol\n"},
	{"filter-number", "Users[?Size > `6`].Name", "[\n    \"alice\",\n    \"bob\"\n]\n", "alice\tbob\n"},
	{"length", "length(Users)", "3\n", "3\n"},
	{"comparison", "length(Users) > `0`", "true\n", "True\n"},
	{"flatten", "Users[].Tags[].Value", "[\n    \"a\",\n    \"b\",\n    \"y\"\n]\n", "a\tb\ty\n"},
	{"nested-filter", "Users[?Tags[?Key=='x']].Name", "[\n    \"carol\"\n]\n", "carol\n"},
	{"missing", "Nope", "null\n", "None\n"},
	{"missing-in-projection", "Users[].Email", "[\n    \"alice@example.com\",\n    \"carol@example.com\"\n]\n", "alice@example.com\tcarol@example.com\n"},
	{"sort-by", "sort_by(Users, &Size)[].Name", "[\n    \"carol\",\n    \"alice\",\n    \"bob\"\n]\n", "carol\talice\tbob\n"},
	{"max-by", "max_by(Users, &Size).Name", "\"bob\"\n", "bob\n"},
	{"join", "join(', ', Users[].Name)", "\"alice, bob, carol\"\n", "alice, bob, carol\n"},
	{"pipe", "Users[].Name | [0]", "\"alice\"\n", "alice\n"},
	{"sorted-keys", "sort(keys(Users[0]))", "[\n    \"Email\",\n    \"Id\",\n    \"Name\",\n    \"Size\",\n    \"State\",\n    \"Tags\"\n]\n", "Email\tId\tName\tSize\tState\tTags\n"},
	{"literal", "`\"x\"`", "\"x\"\n", "x\n"},
	{"or", "Nope || NextToken", "\"t\"\n", "t\n"},
	{"not-null", "not_null(Nope, Users[1].Name)", "\"bob\"\n", "bob\n"},
	{"starts-with", "Users[?starts_with(Name, 'c')].Id", "[\n    \"3\"\n]\n", "3\n"},
	{"sum", "sum(Users[].Size)", "40\n", "40\n"},
	{"to-string", "to_string(Users[0].Size)", "\"10\"\n", "10\n"},
	{"hash-of-lists", "{names: Users[].Name, ids: Users[].Id}", "{\n    \"names\": [\n        \"alice\",\n        \"bob\",\n        \"carol\"\n    ],\n    \"ids\": [\n        \"1\",\n        \"2\",\n        \"3\"\n    ]\n}\n", "IDS\t1\nIDS\t2\nIDS\t3\nNAMES\talice\nNAMES\tbob\nNAMES\tcarol\n"},
	{"contains", "contains(Users[].Name, 'bob')", "true\n", "True\n"},
}

const queryDoc = "{\"NextToken\": \"t\", \"Users\": [{\"Email\": \"alice@example.com\", \"Id\": \"1\", \"Name\": \"alice\", \"Size\": 10, \"State\": \"ENABLED\", \"Tags\": [{\"Key\": \"team\", \"Value\": \"a\"}]}, {\"Id\": \"2\", \"Name\": \"bob\", \"Size\": 25, \"State\": \"DISABLED\", \"Tags\": []}, {\"Email\": \"carol@example.com\", \"Id\": \"3\", \"Name\": \"carol\", \"Size\": 5, \"State\": \"ENABLED\", \"Tags\": [{\"Key\": \"team\", \"Value\": \"b\"}, {\"Key\": \"x\", \"Value\": \"y\"}]}]}"

func TestTextFormatter(t *testing.T) {
	for _, c := range textCases {
		t.Run("method=text/case="+c.name, func(t *testing.T) {
			var b bytes.Buffer
			writeText(&b, genericTree(t, c.in))
			if b.String() != c.want {
				t.Fatalf("got\n%q\nwant\n%q", b.String(), c.want)
			}
		})
	}
}

func TestTableFormatter(t *testing.T) {
	for _, c := range tableCases {
		t.Run("method=table/case="+c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeTable(&b, genericTree(t, c.in), "Op", plainStyler{}, 80); err != nil {
				t.Fatal(err)
			}
			if b.String() != c.want {
				t.Fatalf("got\n%s\nwant\n%s", b.String(), c.want)
			}
		})
	}
}

func TestQuery(t *testing.T) {
	for _, c := range queryCases {
		t.Run("method=query/case="+c.name, func(t *testing.T) {
			o := newOrderer()
			v, err := applyQuery(c.expr, genericTree(t, queryDoc), o)
			if err != nil {
				t.Fatal(err)
			}
			var j, tx bytes.Buffer
			if err := writeJSON(&j, v, o); err != nil {
				t.Fatal(err)
			}
			writeText(&tx, v)
			if j.String() != c.json || tx.String() != c.text {
				t.Fatalf("json\n%s\nwant\n%s\ntext %q, want %q", j.String(), c.json, tx.String(), c.text)
			}
		})
	}
}

func TestQueryErrors(t *testing.T) {
	for name, expr := range map[string]string{"unclosed": "Users[", "bad-token": "Users[?", "bad-function": "nope(Users)"} {
		t.Run("method=query-error/case="+name, func(t *testing.T) {
			if _, err := applyQuery(expr, genericTree(t, queryDoc), newOrderer()); err == nil {
				t.Fatalf("%q: no error", expr)
			}
		})
	}
}
