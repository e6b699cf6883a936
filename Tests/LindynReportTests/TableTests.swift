import Foundation
import Testing
@testable import LindynReport

/// A small table exercising every cell kind, units, a description, and characters that each
/// format must quote or escape.
let sampleTable = Table(
    columns: [Table.Column("t", unit: "epochs"), "label", Table.Column("u_1", description: "mode strength"), "steps", "ok"],
    rows: [
        [0.5, "plain", 0.98517, 12, true],
        [40.0, "a,b \"q\"", 3.3864e-05, 7, false],
        [1000.0, "x_1 & 50%", .number(.nan), nil, nil],
        [-2.5e-7, "line\nbreak", .number(-.infinity), -3, true],
    ],
    title: "Sample run",
    caption: "Mode strength u_1 at selected epochs.")

@Suite("Table writers: golden output")
struct TableGoldenTests {
    @Test func csv() {
        #expect(sampleTable.csv() == #"""
            t,label,u_1,steps,ok
            0.5,plain,0.98517,12,true
            40.0,"a,b ""q""",3.3864e-05,7,false
            1000.0,x_1 & 50%,NaN,,
            -2.5e-07,"line
            break",-inf,-3,true

            """#)
    }

    @Test func markdown() {
        #expect(sampleTable.markdown() == """
            **Sample run**

            | t (epochs) | label      |        u_1 | steps | ok    |
            |-----------:|:-----------|-----------:|------:|:------|
            |        0.5 | plain      |    0.98517 |    12 | true  |
            |         40 | a,b "q"    | 3.3864e-05 |     7 | false |
            |       1000 | x_1 & 50%  |        NaN |       |       |
            |   -2.5e-07 | line break |       -inf |    -3 | true  |

            Mode strength u_1 at selected epochs.

            """)
    }

    @Test func latex() {
        #expect(sampleTable.latex() == #"""
            \begin{table}[htbp]
            \centering
            \caption{Sample run. Mode strength u\_1 at selected epochs.}
            \begin{tabular}{rlrrl}
            \toprule
            t (epochs) & label & u\_1 & steps & ok \\
            \midrule
            $0.5$ & plain & $0.98517$ & $12$ & true \\
            $40$ & a,b "q" & $3.3864\times10^{-5}$ & $7$ & false \\
            $1000$ & x\_1 \& 50\% & NaN &  &  \\
            $-2.5\times10^{-7}$ & line break & $-\infty$ & $-3$ & true \\
            \bottomrule
            \end{tabular}
            \end{table}

            """#)
    }

    @Test func latexWithoutCaptionIsABareTabular() {
        let table = Table(columns: ["a"], rows: [[1]])
        #expect(table.latex() == "\\begin{tabular}{r}\n\\toprule\na \\\\\n\\midrule\n$1$ \\\\\n\\bottomrule\n\\end{tabular}\n")
    }

    @Test func json() {
        #expect(sampleTable.json() == #"""
            {
              "columns": ["t", "label", "u_1", "steps", "ok"],
              "rows": [
                [0.5, "plain", 0.98517, 12, true],
                [40.0, "a,b \"q\"", 3.3864e-05, 7, false],
                [1000.0, "x_1 & 50%", "NaN", null, null],
                [-2.5e-07, "line\nbreak", "-inf", -3, true]
              ],
              "title": "Sample run",
              "caption": "Mode strength u_1 at selected epochs.",
              "units": ["epochs", null, null, null, null],
              "descriptions": [null, null, "mode strength", null, null]
            }
            """#)
    }

    @Test func text() {
        #expect(sampleTable.text() == """
            Sample run
            t (epochs)  label              u_1  steps  ok
            ----------  ----------  ----------  -----  -----
                   0.5  plain          0.98517     12  true
                    40  a,b "q"     3.3864e-05      7  false
                  1000  x_1 & 50%          NaN
              -2.5e-07  line break        -inf     -3  true
            Mode strength u_1 at selected epochs.

            """)
    }

    /// The command line's `--format json` object: status first, then the table, then extra fields.
    @Test func commandLineShape() throws {
        let table = Table(columns: ["t", "y1"], rows: [[0.4, 0.98517], [4.0, 0.90552]])
        let stats: JSONValue = ["stepper": "msbdf", "accepted_steps": 12, "rejected_steps": 0]
        let text = table.json(leading: ["status": "success"], trailing: ["t_reached": 40.0, "stats": stats],
                              layout: .compact)
        #expect(text == #"{"status":"success","columns":["t","y1"],"rows":[[0.4,0.98517],[4.0,0.90552]],"t_reached":40.0,"stats":{"stepper":"msbdf","accepted_steps":12,"rejected_steps":0}}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["status"] as? String == "success")
        #expect((parsed["rows"] as? [[Any]])?.count == 2)
    }

    @Test func significantDigitsAreConfigurable() {
        let table = Table(columns: ["x"], rows: [[.number(.pi)]])
        #expect(table.markdown(significantDigits: 3).contains("| 3.14 |"))
        #expect(table.text(significantDigits: 10).contains("3.141592654"))
        #expect(table.latex(significantDigits: 2).contains("$3.1$"))
    }
}

@Suite("Table writers: quoting and escaping")
struct TableEscapingTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("cr\rhere", "\"cr\rhere\""),
        ("", ""),
    ])
    func csvQuoting(input: String, expected: String) {
        let table = Table(columns: ["h"], rows: [[.text(input)]])
        #expect(table.csv() == "h\n\(expected)\n")
    }

    @Test func csvHeaderIsQuotedToo() {
        #expect(Table(columns: ["a,b", "c"]).csv() == "\"a,b\",c\n")
    }

    @Test func csvNumbersReadBackExactly() throws {
        let values = [0.1, 1.0 / 3.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -0.0, 123456789.125, 0.1 + 0.2]
        let table = Table(columns: ["v"], rows: values.map { [.number($0)] })
        let lines = table.csv().split(separator: "\n").dropFirst()
        for (line, value) in zip(lines, values) {
            let parsed = try #require(Double(String(line)))
            #expect(parsed.bitPattern == value.bitPattern, "\(line)")
        }
    }

    @Test(arguments: [
        ("a_b", "a\\_b"),
        ("50% & #1", "50\\% \\& \\#1"),
        ("$x$", "\\$x\\$"),
        ("{}", "\\{\\}"),
        ("~^", "\\textasciitilde{}\\textasciicircum{}"),
        ("a\\b", "a\\textbackslash{}b"),
        ("plain text", "plain text"),
    ])
    func latexEscaping(input: String, expected: String) {
        #expect(Table.latexEscape(input) == expected)
    }

    @Test(arguments: [
        (1.2e-7, "$1.2\\times10^{-7}$"),
        (0.5, "$0.5$"),
        (-3.0, "$-3$"),
        (6.02214076e23, "$6.02214\\times10^{23}$"),
        (Double.infinity, "$\\infty$"),
        (-Double.infinity, "$-\\infty$"),
        (Double.nan, "NaN"),
    ])
    func latexNumbers(value: Double, expected: String) {
        #expect(Table.latexNumber(value) == expected)
    }

    @Test func markdownEscapesPipes() {
        let table = Table(columns: ["a|b"], rows: [["x|y"]])
        #expect(table.markdown() == "| a\\|b |\n|:-----|\n| x\\|y |\n")
    }

    @Test func unitsAppearInHumanHeadersOnly() {
        var table = Table(columns: ["t", "u"], rows: [[1.0, 2.0]])
        table.setUnit("s", forColumn: "t")
        table.setDescription("strength", forColumn: "u")
        #expect(table.csv().hasPrefix("t,u\n"))
        #expect(table.markdown().contains("t (s)"))
        #expect(table.text().hasPrefix("t (s)"))
        #expect(JSONValue.object(table.jsonObject())["units"] == ["s", nil])
        #expect(JSONValue.object(table.jsonObject(includeMetadata: false))["units"] == nil)
    }

    @Test func columnAccess() {
        #expect(sampleTable.columnNames == ["t", "label", "u_1", "steps", "ok"])
        #expect(sampleTable.column(named: "steps") == [12, 7, nil, -3])
        #expect(sampleTable.column(named: "nope") == nil)
        #expect(sampleTable.rows[0][0].doubleValue == 0.5)
    }
}
