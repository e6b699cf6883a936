import Testing
@testable import LindynExpr
