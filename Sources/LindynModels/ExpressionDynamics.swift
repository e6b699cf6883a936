import Foundation
import LindynExpr
import LindynIntegrator

/// Placeholder until expression problems land.
public struct ExpressionSystem {
    static func parse(_ f: Field) throws(ProblemFileError) -> any Dynamics { throw f.error("not yet supported") }
}
public struct LossFlow {
    static func parse(_ f: Field) throws(ProblemFileError) -> any Dynamics { throw f.error("not yet supported") }
}
