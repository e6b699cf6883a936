import Testing
@testable import LindynCLI
