import Testing
@testable import LindynModels
