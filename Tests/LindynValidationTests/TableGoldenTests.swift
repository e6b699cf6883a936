import Foundation
import LindynReport
import Testing
@testable import LindynValidation

/// The work-precision table built from hand-made error rows, against golden text in every format.
/// The aggregation is checked by hand: rkf45 at 1e-6 has scaled errors 1e-4 and 3e-4 (worst 3e-4;
/// median, the upper middle of two, 3e-4), 100 and 300 evaluations (mean 200), one failed row.
@Suite struct TableGoldenTests {
    static func row(_ point: Int, _ stepper: String, _ tol: Double, error: Double, rhs: Int, steps: Int, status: String) -> [Cell] {
        var r = ErrorTable.row(grid: "g", point: point, parameters: "s=\(point)", method: "integrator", status: status, message: nil)
        ErrorTable.set(&r, "stepper", .text(stepper))
        ErrorTable.set(&r, "epsabs", .number(tol))
        ErrorTable.set(&r, "epsrel", .number(tol))
        ErrorTable.set(&r, "max_scaled_error", .number(error))
        ErrorTable.set(&r, "rhs_evaluations", .integer(rhs))
        ErrorTable.set(&r, "jacobian_evaluations", .integer(0))
        ErrorTable.set(&r, "accepted_steps", .integer(steps))
        ErrorTable.set(&r, "seconds", .number(0.5))
        return r
    }

    static let table: Table = {
        var rows = [
            row(0, "rkf45", 1e-6, error: 1e-4, rhs: 100, steps: 16, status: "pass"),
            row(1, "rkf45", 1e-6, error: 3e-4, rhs: 300, steps: 50, status: "fail"),
            row(0, "rk8pd", 1e-9, error: 2.5e-10, rhs: 1300, steps: 100, status: "pass"),
        ]
        var descent = ErrorTable.row(grid: "g", point: 0, parameters: "s=0", method: "descent", status: "pass", message: nil)
        ErrorTable.set(&descent, "max_scaled_error", .number(0.5))
        rows.append(descent)  // not an integrator row: ignored
        return WorkPrecisionTable.table(fromErrorRows: rows)
    }()

    @Test func csv() {
        #expect(Self.table.csv() == """
            grid,stepper,epsabs,epsrel,points,failed,worst_scaled_error,median_scaled_error,mean_rhs_evaluations,mean_jacobian_evaluations,mean_accepted_steps,total_seconds
            g,rkf45,1e-06,1e-06,2,1,0.0003,0.0003,200.0,0.0,33.0,1.0
            g,rk8pd,1e-09,1e-09,1,0,2.5e-10,2.5e-10,1300.0,0.0,100.0,0.5

            """)
    }

    @Test func markdown() {
        #expect(Self.table.markdown() == GOLDEN_MARKDOWN)
    }

    @Test func latex() {
        #expect(Self.table.latex() == GOLDEN_LATEX)
    }

    @Test func json() {
        #expect(Self.table.json() == GOLDEN_JSON)
    }
}


// Golden outputs, checked by hand against the rows above.
let GOLDEN_MARKDOWN = #"""
    **Work against precision**

    | grid | stepper | epsabs | epsrel | points | failed | worst_scaled_error | median_scaled_error | mean_rhs_evaluations | mean_jacobian_evaluations | mean_accepted_steps | total_seconds (s) |
    |:-----|:--------|-------:|-------:|-------:|-------:|-------------------:|--------------------:|---------------------:|--------------------------:|--------------------:|------------------:|
    | g    | rkf45   |  1e-06 |  1e-06 |      2 |      1 |             0.0003 |              0.0003 |                  200 |                         0 |                  33 |                 1 |
    | g    | rk8pd   |  1e-09 |  1e-09 |      1 |      0 |            2.5e-10 |             2.5e-10 |                 1300 |                         0 |                 100 |               0.5 |

    Integrator rows of the error table grouped by grid, stepper and tolerance: error against evaluations and time.

    """#
let GOLDEN_LATEX = #"""
    \begin{table}[htbp]
    \centering
    \caption{Work against precision. Integrator rows of the error table grouped by grid, stepper and tolerance: error against evaluations and time.}
    \begin{tabular}{llrrrrrrrrrr}
    \toprule
    grid & stepper & epsabs & epsrel & points & failed & worst\_scaled\_error & median\_scaled\_error & mean\_rhs\_evaluations & mean\_jacobian\_evaluations & mean\_accepted\_steps & total\_seconds (s) \\
    \midrule
    g & rkf45 & $1\times10^{-6}$ & $1\times10^{-6}$ & $2$ & $1$ & $0.0003$ & $0.0003$ & $200$ & $0$ & $33$ & $1$ \\
    g & rk8pd & $1\times10^{-9}$ & $1\times10^{-9}$ & $1$ & $0$ & $2.5\times10^{-10}$ & $2.5\times10^{-10}$ & $1300$ & $0$ & $100$ & $0.5$ \\
    \bottomrule
    \end{tabular}
    \end{table}

    """#
let GOLDEN_JSON = #"""
    {
      "columns": ["grid", "stepper", "epsabs", "epsrel", "points", "failed", "worst_scaled_error", "median_scaled_error", "mean_rhs_evaluations", "mean_jacobian_evaluations", "mean_accepted_steps", "total_seconds"],
      "rows": [
        ["g", "rkf45", 1e-06, 1e-06, 2, 1, 0.0003, 0.0003, 200.0, 0.0, 33.0, 1.0],
        ["g", "rk8pd", 1e-09, 1e-09, 1, 0, 2.5e-10, 2.5e-10, 1300.0, 0.0, 100.0, 0.5]
      ],
      "title": "Work against precision",
      "caption": "Integrator rows of the error table grouped by grid, stepper and tolerance: error against evaluations and time.",
      "units": [null, null, null, null, null, null, null, null, null, null, null, "s"],
      "descriptions": [null, null, null, null, "points compared", "rows that failed or errored", "max over points of max |x - r| / max|r|", null, null, null, null, null]
    }
    """#

/// Grid parameters get a column each (typed cells), after the `parameters` text.
@Test func parameterColumnsSplitTiedAxesAndKeepTypes() {
    #expect(ParameterColumns.cell("2") == .integer(2))
    #expect(ParameterColumns.cell("0.001") == .number(0.001))
    #expect(ParameterColumns.cell("1e-06") == .number(1e-6))
    #expect(ParameterColumns.cell("true") == .bool(true))
    #expect(ParameterColumns.cell("\"rk4\"") == .text("rk4"))
    #expect(ParameterColumns.cell("[1,2]") == .text("[1,2]"))
}
