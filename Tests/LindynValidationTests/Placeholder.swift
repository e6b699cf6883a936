import Testing
@testable import LindynValidation
