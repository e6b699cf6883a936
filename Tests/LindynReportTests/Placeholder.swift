import Testing
@testable import LindynReport
