import Testing
@testable import LindynTheory
