import Testing
@testable import LindynIntegrator
